import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// Three `jwt-auth serve` processes on one PostgreSQL database and one Redis, signing with one shared
/// ES256 key file: whatever one of them acknowledges, the others act on at their very next request.
/// Each scenario runs with revocations checked in Redis and, without Redis, in PostgreSQL.
@Suite(.enabled(if: TestStores.bothAvailable, "needs JWT_AUTH_POSTGRES_URL and JWT_AUTH_TEST_REDIS_URL (scripts/test)"))
struct SeveralInstancesTests {
    /// Where the instances check revocations.
    enum Blocklist: String, CaseIterable, Sendable {
        case redis, database

        /// What `/health` reports when all is well.
        var healthyStores: JSONValue {
            switch self {
            case .redis: ["database": "ok", "blocklist": "ok"]
            case .database: ["database": "ok"]
            }
        }
    }

    /// Runs `body` with three instances on a database of the test's own on the shared PostgreSQL server (with
    /// a key file, every instance on a database imports its key into the database's keys table: other tests'
    /// instances would rotate it) and, with the Redis blocklist, database `redisDatabase` of the shared Redis
    /// (emptied first: users of a database of their own are numbered from 1, and cutoffs are keyed by user).
    func withInstances(
        _ blocklist: Blocklist,
        redisDatabase: Int,
        environment extra: [String: String] = [:],
        _ body: ([LiveServer]) async throws -> Void
    ) async throws {
        let keys = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-keys-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: keys) }
        let keyFile = try await LiveServer.sharedKeyFile(in: keys)
        let redis = blocklist == .redis ? try await TestStores.emptyRedisURL(database: redisDatabase) : "database"
        try await TestStores.withOwnDatabase { database in
            let environment = ["JWT_AUTH_DATABASE_URL": database, "JWT_AUTH_BLOCKLIST_URL": redis, "JWT_AUTH_KEY_FILE": keyFile]
                .merging(extra) { _, given in given }
            try await LiveServer.withSeveral(3, environment: environment) { servers in
                // One key, so one key set: a token from any instance verifies on every other.
                let jwks = try await servers[0].get("/.well-known/jwks.json").text
                for server in servers.dropFirst() {
                    #expect(try await server.get("/.well-known/jwks.json").text == jwks)
                }
                try await body(servers)
            }
        }
    }

    /// A user name no other test (or earlier run on the same database) has.
    func uniqueName(_ prefix: String) -> String {
        "\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
    }

    @Test(arguments: Blocklist.allCases)
    func registeredOnALogsInOnBAndItsTokensWorkOnEveryInstance(_ blocklist: Blocklist) async throws {
        try await withInstances(blocklist, redisDatabase: 7) { servers in
            let (a, b, c) = (servers[0], servers[1], servers[2])
            let name = uniqueName("multi")
            let id = try await a.register(name)
            // One user table: the name is taken on every instance, and the password is checked on B.
            #expect(try await c.post("/auth/register", json: LiveServer.credentials(name)).status == .conflict)
            #expect(try await b.post("/auth/login", json: LiveServer.credentials(name, "not the password")).error == "invalid_credentials")
            let login = try await b.login(name)
            #expect(try claims(of: login.access).subject == id)
            for server in servers {
                #expect(try await server.get("/api/protected", token: login.access).json == ["user": .string(id)])
                #expect(try await server.get("/auth/me", token: login.access).json["username"] == .string(name))
            }
            let refreshed = try await c.refresh(login.refresh)
            #expect(try await a.get("/api/protected", token: refreshed.access).json == ["user": .string(id)])
            for server in servers {
                let health = try await server.get("/health")
                #expect(health.json == ["status": "ok", "stores": blocklist.healthyStores])
            }
        }
    }

    /// With the Redis blocklist, login attempts are counted in Redis: three instances allow a guesser exactly
    /// `LOGIN_ATTEMPTS`, even all at once, not three times it.
    @Test(.bug(id: 20, "login throttling was counted per instance"))
    func concurrentGuessesAcrossThreeInstancesGetExactlyTheLimit() async throws {
        try await withInstances(.redis, redisDatabase: 12, environment: ["JWT_AUTH_LOGIN_ATTEMPTS": "3"]) { servers in
            let name = uniqueName("multi-throttle")
            try await servers[0].register(name)
            let answers = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for index in 0..<12 {
                    let server = servers[index % servers.count]
                    group.addTask { try await server.post("/auth/login", json: LiveServer.credentials(name, "guess \(index)")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.count { $0.error == "invalid_credentials" } == 3)
            #expect(answers.count { $0.status == .tooManyRequests && $0.error == "rate_limited" } == 9)
            // The right password, on any instance, waits too: the guesses fill the window.
            for server in servers {
                #expect(try await server.post("/auth/login", json: LiveServer.credentials(name)).status == .tooManyRequests)
            }
        }
    }

    @Test(arguments: Blocklist.allCases)
    func aLogoutOnAIsRejectedOnBAtItsVeryNextRequest(_ blocklist: Blocklist) async throws {
        try await withInstances(blocklist, redisDatabase: 8) { servers in
            let (a, b, c) = (servers[0], servers[1], servers[2])
            let name = uniqueName("multi-revoke")
            let id = try await a.register(name)
            let login = try await b.login(name)
            let other = try await c.login(name)
            for server in servers {
                #expect(try await server.get("/api/protected", token: login.access).json == ["user": .string(id)])
            }
            let logout = try await a.post("/auth/logout", json: ["refresh_token": .string(login.refresh)], token: login.access)
            #expect(logout.status == .noContent)
            // The very next request on B (and on C) presenting the token: no wait, no retry.
            let onB = try await b.get("/api/protected", token: login.access)
            #expect(onB.status == .unauthorized)
            #expect(onB.json == ["error": "token_revoked", "msg": "Token has been revoked"])
            #expect(try await c.get("/api/protected", token: login.access).error == "token_revoked")
            #expect(try await c.post("/auth/refresh", token: login.refresh).error == "token_revoked")
            // Another session of the user is untouched everywhere.
            for server in servers {
                #expect(try await server.get("/api/protected", token: other.access).status == .ok)
            }
        }
    }

    @Test(arguments: Blocklist.allCases)
    func logoutAllOnBEndsTheSessionsMadeOnAAndC(_ blocklist: Blocklist) async throws {
        try await withInstances(blocklist, redisDatabase: 9) { servers in
            let (a, b, c) = (servers[0], servers[1], servers[2])
            let name = uniqueName("multi-all")
            let bystander = uniqueName("multi-bystander")
            try await a.register(name)
            try await a.register(bystander)
            let onA = try await a.login(name)
            let onC = try await c.login(name)
            let refreshedOnA = try await a.refresh(onA.refresh)
            let untouched = try await c.login(bystander)
            let onB = try await b.login(name)
            #expect(try await b.post("/auth/logout-all", token: onB.access).status == .noContent)
            for server in servers {
                for pair in [onC, refreshedOnA, onB] {
                    #expect(try await server.get("/api/protected", token: pair.access).error == "token_revoked")
                }
                #expect(try await server.get("/api/protected", token: untouched.access).status == .ok)
            }
            #expect(try await a.post("/auth/refresh", token: refreshedOnA.refresh).error == "token_revoked")
            #expect(try await c.post("/auth/refresh", token: onC.refresh).error == "token_revoked")
            // Later logins work on every instance.
            let later = try await c.login(name)
            for server in servers {
                #expect(try await server.get("/api/protected", token: later.access).status == .ok)
            }
        }
    }

    @Test(arguments: Blocklist.allCases)
    func fiftyConcurrentRefreshesOfOneTokenAcrossThreeInstancesSucceedOnce(_ blocklist: Blocklist) async throws {
        try await withInstances(blocklist, redisDatabase: 10) { servers in
            let name = uniqueName("multi-race")
            try await servers[0].register(name)
            let login = try await servers[1].login(name)
            let responses = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for index in 0..<50 {
                    let server = servers[index % servers.count]
                    group.addTask { try await server.post("/auth/refresh", token: login.refresh) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(responses.count(where: { $0.status == .ok }) == 1)
            let losers = responses.filter { $0.status != .ok }
            #expect(losers.count == 49)
            #expect(
                losers.allSatisfy { $0.status == .unauthorized && $0.error == "token_revoked" },
                "\(losers.filter { $0.error != "token_revoked" })"
            )
            // The reuses revoked the session: the winner's new pair and the login's access token are dead everywhere.
            let winner = try #require(responses.first { $0.status == .ok })
            let access = try #require(winner.json["access_token"]?.stringValue)
            let refresh = try #require(winner.json["refresh_token"]?.stringValue)
            for server in servers {
                #expect(try await server.get("/api/protected", token: access).error == "token_revoked")
                #expect(try await server.get("/api/protected", token: login.access).error == "token_revoked")
            }
            #expect(try await servers[2].post("/auth/refresh", token: refresh).error == "token_revoked")
        }
    }
}
