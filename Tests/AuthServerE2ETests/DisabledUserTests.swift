import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// Disabling a user on the command line ends the user's sessions on the running server.
@Suite struct DisabledUserTests {
    static let introspectionClient = "gateway:an introspection secret"

    @Test(.bug(id: 15, "a disabled user kept access until the access token expired"))
    func disablingRevokesEveryTokenOnTheRunningServer() async throws {
        try await LiveServer.with(["--introspection-clients", Self.introspectionClient]) { server in
            let id = try await server.register("erin")
            let tokens = try await server.login("erin")
            #expect(try await server.get("/api/protected", token: tokens.access).status == .ok)

            let disabled = try await server.command(["users", "disable", "erin"])
            #expect(disabled.exit.status == 0, "\(disabled.stderr)")
            // The server reads revocations another process wrote within a second.
            try await Self.waitUntilRevoked(server, tokens.access)

            for path in ["/api/protected", "/auth/me", "/auth/verify", "/api/optional"] {
                let response = try await server.get(path, token: tokens.access)
                #expect(response.status == .unauthorized, "\(path): \(response)")
                #expect(response.error == "token_revoked", "\(path): \(response)")
            }
            let password = try await server.send(.put, "/auth/password", json: ["new_password": "another long password"], token: tokens.access)
            #expect(password.status == .unauthorized, "\(password)")
            #expect(password.error == "token_revoked")
            let refresh = try await server.post("/auth/refresh", token: tokens.refresh)
            #expect(refresh.error == "token_revoked", "\(refresh)")
            #expect(try await Self.introspect(server, tokens.access)["active"] == false)
            #expect(try await Self.introspect(server, tokens.refresh)["active"] == false)
            let login = try await server.post("/auth/login", json: LiveServer.credentials("erin"))
            #expect(login.status == .forbidden)

            // Enabling again lets the user log in; the old tokens stay revoked.
            #expect(try await server.command(["users", "enable", "erin"]).exit.status == 0)
            let again = try await server.login("erin")
            #expect(try await server.get("/api/protected", token: again.access).json["user"] == .string(id))
            #expect(try await server.get("/api/protected", token: tokens.access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: tokens.refresh).error == "token_revoked")
        }
    }

    @Test(.bug(id: 15, "a disabled user kept access until the access token expired"))
    func disablingSignsTheWebSiteOut() async throws {
        try await LiveServer.with { server in
            try await server.register("frida")
            let tokens = try await server.login("frida")
            let cookie: HTTPFields = [.cookie: "access_token_cookie=\(tokens.access); refresh_token_cookie=\(tokens.refresh)"]
            #expect(try await server.request(.get, "/", headers: cookie).status == .ok)
            #expect(try await server.command(["users", "disable", "frida"]).exit.status == 0)
            try await Self.waitUntilRevoked(server, tokens.access)
            let page = try await server.request(.get, "/", headers: cookie)
            #expect(page.status == .seeOther)
            #expect(page.headers[.location]?.hasPrefix("/login") == true)
        }
    }

    @Test(.bug(id: 15, "a removed user's tokens must die with the account"))
    func deletingRevokesEveryTokenOnTheRunningServer() async throws {
        try await LiveServer.with { server in
            try await server.register("hugo")
            let tokens = try await server.login("hugo")
            let deleted = try await server.command(["users", "delete", "hugo"])
            #expect(deleted.exit.status == 0, "\(deleted.stderr)")
            try await Self.waitUntilRevoked(server, tokens.access)
            #expect(try await server.get("/auth/verify", token: tokens.access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: tokens.refresh).error == "token_revoked")
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("hugo")).status == .unauthorized)
        }
    }

    /// With revocations checked in Redis, `users disable` (which reads `BLOCKLIST_URL` as `serve` does)
    /// writes the cutoff to Redis too: the server refuses the token at its next request.
    @Test(
        .bug(id: 15, "a disabled user kept access until the access token expired"),
        .enabled(if: TestStores.isRequired || TestStores.environment["JWT_AUTH_TEST_REDIS_URL"] != nil, "needs scripts/redis-test-server")
    )
    func disablingWritesTheRevocationToRedis() async throws {
        let redis = try await TestStores.emptyRedisURL(database: 11)
        try await LiveServer.with(environment: ["JWT_AUTH_BLOCKLIST_URL": redis]) { server in
            try await server.register("gwen")
            let tokens = try await server.login("gwen")
            #expect(try await server.get("/api/protected", token: tokens.access).status == .ok)
            let disabled = try await server.command(["users", "disable", "gwen"])
            #expect(disabled.exit.status == 0, "\(disabled.stderr)")
            // No waiting: the request after the command finds the cutoff in Redis.
            #expect(try await server.get("/api/protected", token: tokens.access).error == "token_revoked")
            #expect(try await server.get("/auth/me", token: tokens.access).error == "token_revoked")
        }
    }

    /// Polls `/api/protected` until the token is refused, for at most 5 s (the server looks every second).
    static func waitUntilRevoked(_ server: LiveServer, _ token: String) async throws {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            if try await server.get("/api/protected", token: token).status == .unauthorized { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the running server still accepted the token 5 s after the user was disabled")
    }

    static func introspect(_ server: LiveServer, _ token: String) async throws -> [String: JSONValue] {
        let headers: HTTPFields = [
            .authorization: "Basic " + Data(introspectionClient.utf8).base64EncodedString(),
            .contentType: "application/x-www-form-urlencoded",
        ]
        let response = try await server.request(.post, "/auth/introspect", headers: headers, body: Array("token=\(token)".utf8))
        try #require(response.status == .ok, "\(response)")
        return response.json
    }
}
