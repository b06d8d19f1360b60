import Foundation
import HTTPTypes
import Hummingbird
import JWTAuth
import Testing

/// Every route of the running service answers as DESIGN.md says.
@Suite struct RouteTests {
    @Test func registerThenMeAndProtectedAnswerWithTheUser() async throws {
        try await LiveServer.with { server in
            let registered = try await server.post("/auth/register", json: LiveServer.credentials("alice"))
            #expect(registered.status == .created)
            #expect(registered.json == ["id": "1", "username": "alice", "roles": []])
            #expect(registered.headers[.contentType]?.hasPrefix("application/json") == true)
            let again = try await server.post("/auth/register", json: LiveServer.credentials("alice"))
            #expect(again.status == .conflict)
            #expect(again.json == ["error": "conflict", "msg": "Username already exists"])

            let tokens = try await server.login("alice")
            let me = try await server.get("/auth/me", token: tokens.access)
            #expect(me.status == .ok)
            #expect(me.json == ["id": "1", "username": "alice", "roles": []])
            let protected = try await server.get("/api/protected", token: tokens.access)
            #expect(protected.status == .ok)
            #expect(protected.json == ["user": "1"])
        }
    }

    @Test func loginAnswersWithTheDefaultLifetimesAndTokensTheJWKSVerifies() async throws {
        try await LiveServer.with { server in
            let id = try await server.register("bob")
            let response = try await server.post("/auth/login", json: LiveServer.credentials("bob"))
            #expect(response.status == .ok)
            #expect(Set(response.json.keys) == ["access_token", "refresh_token", "token_type", "expires_in"])
            #expect(response.json["token_type"] == "Bearer")
            #expect(response.json["expires_in"] == 900)
            #expect(response.headers[.cacheControl] == "no-store")

            let access = try claims(of: try #require(response.json["access_token"]?.stringValue))
            let refresh = try claims(of: try #require(response.json["refresh_token"]?.stringValue))
            #expect(access.subject == id)
            #expect(access["type"] == "access")
            #expect(access["fresh"] == true)
            #expect(access.strings("roles") == [])
            #expect(try #require(access.expiresAt) - #require(access.issuedAt) == 900)
            #expect(refresh["type"] == "refresh")
            #expect(try #require(refresh.expiresAt) - #require(refresh.issuedAt) == 604_800)
            #expect(access.sessionID != nil && access.sessionID == refresh.sessionID)
            #expect(access.id != refresh.id)

            let jwksResponse = try await server.get("/.well-known/jwks.json")
            #expect(jwksResponse.status == .ok)
            let jwks = jwksResponse.json
            let published = try #require(jwks["keys"]?.arrayValue)
            #expect(published.count == 1)
            #expect(published.first?["alg"] == "ES256")
            #expect(published.first?["use"] == "sig")
            #expect(published.first?["d"] == nil)
            let accessToken = try #require(response.json["access_token"]?.stringValue)
            #expect(try header(of: accessToken).keyID == published.first?["kid"]?.stringValue)
            #expect(try header(of: accessToken).algorithm == "ES256")
            let decoder = JWTDecoder(keys: try JWTKeySet(jwks: jwks))
            let now = Date().timeIntervalSince1970
            #expect(try decoder.decode(accessToken, now: now).claims.subject == id)
            #expect(try decoder.decode(try #require(response.json["refresh_token"]?.stringValue), now: now).claims.subject == id)
        }
    }

    @Test func optionalAnswersNullWithoutATokenAndTheUserWithOne() async throws {
        try await LiveServer.with { server in
            let id = try await server.register("carol")
            let anonymous = try await server.get("/api/optional")
            #expect(anonymous.status == .ok)
            #expect(anonymous.json == ["user": .null])
            let tokens = try await server.login("carol")
            let known = try await server.get("/api/optional", token: tokens.access)
            #expect(known.json == ["user": .string(id)])
            // A token that is present but wrong is still refused.
            let bad = try await server.get("/api/optional", token: tokens.refresh)
            #expect(bad.status == .unauthorized)
            #expect(bad.error == "wrong_token_type")
        }
    }

    @Test func adminNeedsTheAdminRoleGrantedOnTheCommandLine() async throws {
        try await LiveServer.with { server in
            try await server.register("dave")
            let plain = try await server.get("/api/admin", token: try await server.login("dave").access)
            #expect(plain.status == .forbidden)
            #expect(plain.json == ["error": "insufficient_scope", "msg": "Missing required role: admin"])
            #expect(plain.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope""#) == true)

            let added = try await server.command(["users", "add", "root", "--role", "admin"], input: LiveServer.password + "\n")
            #expect(added.exit == .init(status: 0, isSignal: false), "\(added.stderr)")
            let admin = try await server.login("root")
            #expect(try claims(of: admin.access).strings("roles") == ["admin"])
            let allowed = try await server.get("/api/admin", token: admin.access)
            #expect(allowed.status == .ok)
            #expect(allowed.json["user"] == (try await server.get("/auth/me", token: admin.access)).json["id"])
        }
    }

    @Test func gatewaysVerifyAndIntrospectTokens() async throws {
        try await LiveServer.with(["--introspection-clients", "gateway:an introspection secret"]) { server in
            let id = try await server.register("erin")
            let tokens = try await server.login("erin")
            let verified = try await server.get("/auth/verify", token: tokens.access)
            #expect(verified.status == .ok)
            #expect(verified.headers[HTTPField.Name("X-Auth-Subject")!] == id)
            #expect(verified.headers[HTTPField.Name("X-Auth-Roles")!] == "")
            #expect(verified.headers[HTTPField.Name("X-Auth-Session")!] == (try claims(of: tokens.access)).sessionID)
            let missingRole = try await server.get("/auth/verify?role=admin", token: tokens.access)
            #expect(missingRole.status == .forbidden)
            #expect(missingRole.error == "insufficient_scope")
            #expect(try await server.get("/auth/verify").error == "missing_token")

            func introspect(_ token: String, client: String = "gateway:an introspection secret") async throws -> HTTPResult {
                let credentials = Data(client.utf8).base64EncodedString()
                let body = "token=" + (token.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                return try await server.request(
                    .post,
                    "/auth/introspect",
                    headers: [.authorization: "Basic \(credentials)", .contentType: "application/x-www-form-urlencoded"],
                    body: Array(body.utf8)
                )
            }
            let active = try await introspect(tokens.access)
            #expect(active.status == .ok)
            #expect(active.json["active"] == true)
            #expect(active.json["sub"] == .string(id))
            #expect(active.json["token_type"] == "access_token")
            #expect(try await introspect(tokens.refresh).json["token_type"] == "refresh_token")
            #expect(try await introspect("not.a.token").json == ["active": false])
            let stranger = try await introspect(tokens.access, client: "gateway:not the secret of it")
            #expect(stranger.status == .unauthorized)
            #expect(stranger.error == "invalid_credentials")
            #expect(stranger.headers[.wwwAuthenticate] == #"Basic realm="jwt-auth""#)

            #expect(try await server.post("/auth/logout", token: tokens.access).status == .noContent)
            #expect(try await server.get("/auth/verify", token: tokens.access).error == "token_revoked")
            #expect(try await introspect(tokens.access).json == ["active": false])
        }
    }

    @Test func healthMetricsAndTheOpenAPIDocument() async throws {
        try await LiveServer.with { server in
            let health = try await server.get("/health")
            #expect(health.status == .ok)
            #expect(health.json == ["status": "ok", "stores": ["database": "ok"]])

            try await server.register("erin")
            _ = try await server.get("/api/protected", token: try await server.login("erin").access)
            _ = try await server.get("/api/protected", token: "not.a.token")
            let metrics = try await server.get("/metrics")
            #expect(metrics.status == .ok)
            #expect(metrics.headers[.contentType]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("jwt_auth_tokens_verified_total 1"))
            #expect(metrics.text.contains(#"jwt_auth_tokens_rejected_total{code="invalid_token"} 1"#))

            let openAPI = try await server.get("/openapi.json")
            #expect(openAPI.status == .ok)
            #expect(openAPI.headers[.contentType]?.hasPrefix("application/json") == true)
            #expect(openAPI.json["openapi"]?.stringValue?.hasPrefix("3.1") == true)
            let paths = Set(try #require(openAPI.json["paths"]?.objectValue).keys)
            #expect(paths == Set(Self.routes.map(\.path)))
        }
    }

    /// Each route the service answers, with its method.
    static let routes: [(method: HTTPRequest.Method, path: String)] = [
        (.post, "/auth/register"), (.post, "/auth/login"), (.post, "/auth/refresh"), (.post, "/auth/fresh-login"),
        (.post, "/auth/logout"), (.post, "/auth/logout-all"), (.put, "/auth/password"), (.get, "/auth/me"),
        (.get, "/api/protected"), (.get, "/api/optional"), (.get, "/api/admin"), (.get, "/.well-known/jwks.json"),
        (.get, "/livez"), (.get, "/readyz"), (.get, "/health"), (.get, "/metrics"), (.get, "/openapi.json"), (.get, "/auth/verify"),
        (.post, "/auth/introspect"),
    ]

    @Test func everyDocumentedOperationIsAnsweredWithADocumentedStatus() async throws {
        try await LiveServer.with { server in
            let document = try await server.get("/openapi.json").json
            let paths = try #require(document["paths"]?.objectValue)
            for (method, path) in Self.routes {
                let operation = try #require(paths[path]?[method.rawValue.lowercased()]?.objectValue, "\(method) \(path) is not documented")
                let documented = Set(try #require(operation["responses"]?.objectValue).keys)
                let response = try await server.request(method, path)
                #expect(documented.contains(String(response.status.code)), "\(method) \(path) answered \(response.status.code)")
            }
        }
    }
}
