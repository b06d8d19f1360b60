import HTTPTypes
import JWTAuth
import Testing

/// `/livez` says that the process answers and touches no store; `/readyz` (like `/health`) says whether
/// every store answers.
@Suite struct HealthProbeTests {
    @Test func bothProbesAnswer200WhileTheStoresAnswer() async throws {
        try await LiveServer.with { server in
            let live = try await server.get("/livez")
            #expect(live.status == .ok)
            #expect(live.headers[.contentType] == "application/json")
            #expect(live.json == ["status": "ok"])
            let ready = try await server.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.json == ["status": "ok", "stores": ["database": "ok"]])
            #expect(try await server.get("/health").json == ready.json)
        }
    }

    /// The blocklist is a Redis on a port where nothing listens (port 1, which no test's listener can
    /// take): the store is down from the start.
    @Test func livenessAnswersWhileAStoreIsDownAndReadinessAnswers503() async throws {
        try await LiveServer.with(environment: ["JWT_AUTH_BLOCKLIST_URL": "redis://127.0.0.1:1"]) { server in
            let live = try await server.get("/livez")
            #expect(live.status == .ok)
            #expect(live.json == ["status": "ok"])
            let ready = try await server.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.json == ["status": "unavailable", "stores": ["database": "ok", "blocklist": "down"]])
            #expect(try await server.get("/health").status == .serviceUnavailable)
            #expect(try await server.get("/livez").status == .ok)
        }
    }

    /// Logins are counted in the Redis blocklist's server: while it is down, a login is refused, not let
    /// through uncounted, and readiness says why.
    @Test(.bug(id: 20, "login throttling counted in Redis fails closed"))
    func loginFailsClosedWhileTheThrottlesRedisIsDown() async throws {
        try await LiveServer.with(environment: ["JWT_AUTH_BLOCKLIST_URL": "redis://127.0.0.1:1", "JWT_AUTH_LOGIN_ATTEMPTS": "5"]) { server in
            let login = try await server.post("/auth/login", json: LiveServer.credentials("nobody", "a wrong password"))
            #expect(login.status == .serviceUnavailable)
            #expect(login.json == ["error": "unavailable", "msg": "Login throttling is unavailable"])
            #expect(try await server.get("/readyz").json["stores"] == ["database": "ok", "blocklist": "down"])
        }
    }
}
