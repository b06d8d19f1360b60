import HTTPTypes
import JWTAuth
import Testing

/// Refresh, logout, logout-all, fresh-login and password changes across requests to the live server.
@Suite struct SessionTests {
    /// The README's walk-through: register, log in, call, refresh, present the spent refresh token
    /// again (the session dies), log in again, log out (the tokens die).
    @Test func fromRegistrationToLogout() async throws {
        try await LiveServer.with { server in
            let id = try await server.register("alice")
            let login = try await server.login("alice")
            #expect(try await server.get("/api/protected", token: login.access).json == ["user": .string(id)])

            let refreshed = try await server.refresh(login.refresh)
            #expect(try await server.get("/api/protected", token: refreshed.access).status == .ok)
            let reuse = try await server.post("/auth/refresh", token: login.refresh)
            #expect(reuse.status == .unauthorized)
            #expect(reuse.json == ["error": "token_revoked", "msg": "Token has been revoked"])
            #expect(try await server.get("/api/protected", token: refreshed.access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: refreshed.refresh).error == "token_revoked")

            let again = try await server.login("alice")
            #expect(try await server.post("/auth/logout", token: again.access).status == .noContent)
            let after = try await server.get("/api/protected", token: again.access)
            #expect(after.status == .unauthorized)
            #expect(after.json == ["error": "token_revoked", "msg": "Token has been revoked"])
            #expect(after.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer realm="jwt-auth", error="invalid_token""#) == true)
            #expect(try await server.post("/auth/refresh", token: again.refresh).error == "token_revoked")
        }
    }

    @Test func refreshRotatesAndASpentTokenRevokesTheSession() async throws {
        try await LiveServer.with { server in
            let id = try await server.register("ivan")
            let login = try await server.login("ivan")
            let response = try await server.post("/auth/refresh", token: login.refresh)
            #expect(response.status == .ok)
            #expect(Set(response.json.keys) == ["access_token", "refresh_token", "token_type", "expires_in"])
            #expect(response.json["expires_in"] == 900)
            let rotated = TokenPair(
                access: try #require(response.json["access_token"]?.stringValue),
                refresh: try #require(response.json["refresh_token"]?.stringValue)
            )
            let old = try claims(of: login.refresh)
            let new = try claims(of: rotated.refresh)
            let access = try claims(of: rotated.access)
            #expect(new.sessionID == old.sessionID && access.sessionID == old.sessionID)
            #expect(new.id != old.id)
            #expect(access["fresh"] == false)
            #expect(access.subject == id)
            #expect(try #require(access.expiresAt) - #require(access.issuedAt) == 900)
            #expect(try await server.get("/api/protected", token: rotated.access).status == .ok)

            // An access token is not a refresh token, and the reverse.
            #expect(try await server.post("/auth/refresh", token: rotated.access).error == "wrong_token_type")
            #expect(try await server.get("/api/protected", token: rotated.refresh).error == "wrong_token_type")

            // The spent token comes back: the whole session dies.
            let reuse = try await server.post("/auth/refresh", token: login.refresh)
            #expect(reuse.status == .unauthorized)
            #expect(reuse.json == ["error": "token_revoked", "msg": "Token has been revoked"])
            #expect(reuse.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            #expect(try await server.post("/auth/refresh", token: rotated.refresh).error == "token_revoked")
            #expect(try await server.get("/api/protected", token: rotated.access).error == "token_revoked")
            #expect(try await server.get("/api/protected", token: login.access).error == "token_revoked")
            // Another login is a new session and works.
            #expect(try await server.get("/api/protected", token: try await server.login("ivan").access).status == .ok)
        }
    }

    @Test func logoutWithoutABodyEndsTheSession() async throws {
        try await LiveServer.with { server in
            try await server.register("judy")
            let first = try await server.login("judy")
            let second = try await server.login("judy")
            let logout = try await server.post("/auth/logout", token: first.access)
            #expect(logout.status == .noContent)
            #expect(logout.body.isEmpty)
            #expect(try await server.get("/api/protected", token: first.access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: first.refresh).error == "token_revoked")
            #expect(try await server.post("/auth/logout", token: first.access).error == "token_revoked")
            // The other session lives on.
            #expect(try await server.get("/api/protected", token: second.access).status == .ok)
            #expect(try await server.post("/auth/refresh", token: second.refresh).status == .ok)
        }
    }

    @Test func logoutWithARefreshTokenInTheBodyRevokesItToo() async throws {
        try await LiveServer.with { server in
            try await server.register("ken")
            try await server.register("lena")
            let first = try await server.login("ken")
            let second = try await server.login("ken")
            let third = try await server.login("ken")
            let other = try await server.login("lena")

            // Someone else's refresh token in the body is ignored, and does not fail the logout.
            let foreign = try await server.post("/auth/logout", json: ["refresh_token": .string(other.refresh)], token: third.access)
            #expect(foreign.status == .noContent)
            #expect(try await server.post("/auth/refresh", token: other.refresh).status == .ok)

            let logout = try await server.post("/auth/logout", json: ["refresh_token": .string(second.refresh)], token: first.access)
            #expect(logout.status == .noContent)
            #expect(try await server.get("/api/protected", token: first.access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: first.refresh).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: second.refresh).error == "token_revoked")

            let fourth = try await server.login("ken")
            let badBody = try await server.request(
                .post,
                "/auth/logout",
                headers: [.authorization: "Bearer \(fourth.access)", .contentType: "application/json"],
                body: Array("{".utf8)
            )
            #expect(badBody.status == .badRequest)
            // A refused logout logged nothing out.
            #expect(try await server.get("/api/protected", token: fourth.access).status == .ok)
        }
    }

    @Test func logoutAllEndsEverySessionOfTheUserAndNoOtherUsers() async throws {
        try await LiveServer.with { server in
            try await server.register("mallory")
            try await server.register("niaj")
            let sessions = [try await server.login("mallory"), try await server.login("mallory"), try await server.login("mallory")]
            let refreshed = try await server.refresh(sessions[2].refresh)
            let other = try await server.login("niaj")

            let response = try await server.post("/auth/logout-all", token: sessions[0].access)
            #expect(response.status == .noContent)
            for pair in sessions + [refreshed] {
                #expect(try await server.get("/api/protected", token: pair.access).error == "token_revoked")
                #expect(try await server.post("/auth/refresh", token: pair.refresh).error == "token_revoked")
            }
            #expect(try await server.get("/api/protected", token: other.access).status == .ok)
            #expect(try await server.post("/auth/refresh", token: other.refresh).status == .ok)
            // A login right after (within the same second) works.
            let again = try await server.login("mallory")
            #expect(try await server.get("/api/protected", token: again.access).status == .ok)
            #expect(try await server.post("/auth/refresh", token: again.refresh).status == .ok)
        }
    }

    @Test func freshLoginGivesOnlyAFreshAccessTokenThatCanChangeThePassword() async throws {
        try await LiveServer.with { server in
            try await server.register("olivia")
            try await server.register("peggy")
            let session = try await server.login("olivia")
            let stale = try await server.refresh(session.refresh)
            let peggy = try await server.login("peggy")

            let notFresh = try await server.send(.put, "/auth/password", json: ["new_password": "a new password"], token: stale.access)
            #expect(notFresh.status == .unauthorized)
            #expect(notFresh.json == ["error": "fresh_token_required", "msg": "Fresh token required"])

            let fresh = try await server.post("/auth/fresh-login", json: LiveServer.credentials("olivia"))
            #expect(fresh.status == .ok)
            #expect(Set(fresh.json.keys) == ["access_token", "token_type", "expires_in"])
            let freshToken = try #require(fresh.json["access_token"]?.stringValue)
            #expect(try claims(of: freshToken)["fresh"] == true)
            #expect(try claims(of: freshToken)["type"] == "access")
            let wrong = try await server.post("/auth/fresh-login", json: LiveServer.credentials("olivia", "not the password"))
            #expect(wrong.json == ["error": "invalid_credentials", "msg": "Bad username or password"])

            let missing = try await server.send(.put, "/auth/password", json: ["password": "a new password"], token: freshToken)
            #expect(missing.status == .badRequest)
            let short = try await server.send(.put, "/auth/password", json: ["new_password": "short"], token: freshToken)
            #expect(short.status == .badRequest)

            let changed = try await server.send(.put, "/auth/password", json: ["new_password": "a new password"], token: freshToken)
            #expect(changed.status == .noContent)
            // Every older session of the user is revoked; other users are untouched.
            for token in [session.access, stale.access, freshToken] {
                #expect(try await server.get("/api/protected", token: token).error == "token_revoked")
            }
            #expect(try await server.post("/auth/refresh", token: stale.refresh).error == "token_revoked")
            #expect(try await server.get("/api/protected", token: peggy.access).status == .ok)
            // The old password no longer works, the new one does, at once.
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("olivia")).error == "invalid_credentials")
            let after = try await server.login("olivia", password: "a new password")
            #expect(try await server.get("/api/protected", token: after.access).status == .ok)
        }
    }
}
