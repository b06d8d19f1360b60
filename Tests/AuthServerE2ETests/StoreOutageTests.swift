import Foundation
import HTTPTypes
import JWTAuth
import Synchronization
import Testing

/// A store stopped (killed) under load and started again, with two `jwt-auth serve` instances on it: no
/// request is let through unchecked, `/health` names the store that is down, the instances recover by
/// themselves, and no acknowledged write is lost. The store a test stops is a server of its own (the
/// shared ones stay up for the other suites running meanwhile).
@Suite(.enabled(if: TestStores.bothAvailable, "needs JWT_AUTH_POSTGRES_URL and JWT_AUTH_TEST_REDIS_URL (scripts/test)"))
struct StoreOutageTests {
    static let secret = String(repeating: "outage-test-secret-", count: 3)

    @Test func redisKilledUnderLoadFailsClosedAndTheInstancesRecoverByThemselves() async throws {
        try await redisOutage("Redis killed", stop: { await $0.stop() }, start: { try await $0.start() })
    }

    /// A Redis that hangs (SIGSTOP) rather than goes away: every check fails within the command timeout.
    @Test func redisHangingUnderLoadFailsClosedAndTheInstancesRecoverByThemselves() async throws {
        try await redisOutage("Redis hanging", stop: { $0.freeze() }, start: { $0.thaw() })
    }

    /// Two instances on the shared database and a Redis of the test's own, which `stop` and `start` take down
    /// and bring back.
    func redisOutage(_ label: String, stop: (PrivateRedis) async -> Void, start: (PrivateRedis) async throws -> Void) async throws {
        let database = try TestStores.postgresURL()
        try await PrivateRedis.with { redis in
            let environment = [
                "JWT_AUTH_DATABASE_URL": database, "JWT_AUTH_BLOCKLIST_URL": redis.url,
                "JWT_AUTH_SECRET": Self.secret, "JWT_AUTH_LOGIN_ATTEMPTS": "0",
            ]
            try await LiveServer.withSeveral(2, environment: environment) { servers in
                try await outage(
                    label,
                    servers,
                    whileDown: ["database": "ok", "blocklist": "down"],
                    stop: { await stop(redis) },
                    start: { try await start(redis) }
                )
            }
        }
    }

    @Test(arguments: PrivatePostgres.StopMode.allCases)
    func postgresStoppedUnderLoadFailsClosedAndTheInstancesRecoverByThemselves(_ mode: PrivatePostgres.StopMode) async throws {
        try await PrivatePostgres.with { postgres in
            let environment = [
                "JWT_AUTH_DATABASE_URL": postgres.url, "JWT_AUTH_SECRET": Self.secret, "JWT_AUTH_LOGIN_ATTEMPTS": "0",
            ]
            try await LiveServer.withSeveral(2, environment: environment) { servers in
                try await outage(
                    "PostgreSQL -m \(mode)",
                    servers,
                    whileDown: ["database": "down"],
                    stop: { await postgres.stop(mode) },
                    start: { try await postgres.start() }
                )
            }
        }
    }

    /// With the Redis blocklist, checks need only Redis: while PostgreSQL is down, tokens are still checked
    /// (and accepted or rejected) there, and whatever needs the database answers 503. The signing keys are the
    /// database's (no secret, no key file): the instances keep the keys they read while it is down.
    @Test func postgresKilledUnderLoadWithTheRedisBlocklistStillChecksTokensInRedis() async throws {
        try await PrivatePostgres.with { postgres in
            try await PrivateRedis.with { redis in
                let environment = [
                    "JWT_AUTH_DATABASE_URL": postgres.url, "JWT_AUTH_BLOCKLIST_URL": redis.url, "JWT_AUTH_LOGIN_ATTEMPTS": "0",
                ]
                try await LiveServer.withSeveral(2, environment: environment) { servers in
                    try await outage(
                        "PostgreSQL, Redis blocklist",
                        servers,
                        whileDown: ["database": "down", "blocklist": "ok"],
                        checksNeedTheStore: false,
                        stop: { await postgres.stop() },
                        start: { try await postgres.start() }
                    )
                }
            }
        }
    }

    /// Stops the store under load, checks that the instances fail closed and say so, starts the store again
    /// and checks that they recover by themselves with every acknowledged write in effect.
    /// - Parameters:
    ///   - label: What stops, for the lines printed.
    ///   - whileDown: The stores `/health` reports while the store is down.
    ///   - checksNeedTheStore: Whether checking a token needs the store that is down (then a live token
    ///     gets 503 while it is down; else it is still checked, and accepted).
    func outage(
        _ label: String,
        _ servers: [LiveServer],
        whileDown: JSONValue,
        checksNeedTheStore: Bool = true,
        stop: () async -> Void,
        start: () async throws -> Void
    ) async throws {
        let prefix = "outage-\(UInt64.random(in: 0...UInt64.max))"
        let id = try await servers[0].register(prefix)
        let live = try await servers[1].login(prefix)
        let revoked = try await servers[0].login(prefix)
        #expect(try await servers[1].post("/auth/logout", token: revoked.access).status == .noContent)

        let load = OutageLoad(servers: servers, live: live, revoked: revoked, prefix: prefix)
        let clients = Task { await load.run() }
        defer { load.stop() }
        try await load.wait("before the outage") { $0.answers.count >= 20 && $0.loggedOut.count >= 3 && $0.registered.count >= 3 }

        await stop()
        load.phase = .down
        let stopped = ContinuousClock.now
        // /health on every instance while the load goes on, and the outage lasts a couple of seconds at least.
        async let health = withThrowingTaskGroup(of: HTTPResult.self) { group in
            for server in servers { group.addTask { try await server.get("/health") } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        try await load.wait("refusals while down") { state in
            state.refusedWhileDown >= 1 && state.answers.count(where: \.duringOutage) >= 3
                && state.answers.contains { $0.duringOutage && $0.presented == .live }
        }
        for answer in try await health {
            #expect(answer.status == .serviceUnavailable)
            #expect(answer.json == ["status": "unavailable", "stores": whileDown])
        }
        try await Task.sleep(until: stopped + .seconds(2))
        print("store outage (\(label)): the store was down for \(ContinuousClock.now - stopped)")

        load.phase = .restarting
        try await start()
        load.phase = .restarted
        let restarted = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for server in servers { group.addTask { try await Self.recovered(server, live: live) } }
            try await group.waitForAll()
        }
        print("store outage (\(label)): the instances recovered \(ContinuousClock.now - restarted) after the store restarted")
        let acknowledgedBefore = load.snapshot.loggedOut.count + load.snapshot.registered.count
        try await load.wait("after the restart") { state in
            state.loggedOut.count + state.registered.count >= acknowledgedBefore + 4
                && state.answers.count(where: { $0.sent == .restarted && $0.result.status == .ok }) >= 10
        }
        load.stop()
        await clients.value

        let state = load.snapshot
        #expect(state.unexpected.isEmpty, "\(state.unexpected.prefix(5))")
        // Never unchecked: a revoked token is never accepted, and nothing is accepted while the store is down.
        for answer in state.answers {
            let unavailable = answer.result.status == .serviceUnavailable && answer.result.error == "unavailable"
            if answer.presented != .live {
                #expect(unavailable || answer.result.error == "token_revoked", "a revoked token was answered \(answer.result)")
            } else if answer.duringOutage, checksNeedTheStore {
                #expect(unavailable, "a request sent and answered while the store was down got \(answer.result)")
            } else if answer.duringOutage {
                #expect(answer.result.json == ["user": .string(id)], "a live token checked while the store was down: \(answer.result)")
            } else {
                #expect(unavailable || answer.result.json == ["user": .string(id)], "\(answer.result)")
            }
        }
        #expect(state.answers.contains { $0.sent == .before && $0.result.status == .ok })
        #expect(state.answers.contains { $0.presented == .loggedOut && $0.result.error == "token_revoked" })

        // Nothing acknowledged is lost: every 204 logout still holds on every instance, every 201 user logs in.
        for pair in state.loggedOut {
            for server in servers {
                #expect(try await server.get("/api/protected", token: pair.access).error == "token_revoked")
            }
            #expect(try await servers[0].post("/auth/refresh", token: pair.refresh).error == "token_revoked")
        }
        for (index, name) in state.registered.enumerated() {
            let login = try await servers[index % servers.count].post("/auth/login", json: LiveServer.credentials(name))
            #expect(login.status == .ok, "\(name) was acknowledged but cannot log in: \(login)")
        }
        for server in servers {
            #expect(try await server.get("/api/protected", token: live.access).status == .ok)
            #expect(try await server.get("/api/protected", token: revoked.access).error == "token_revoked")
        }
        let down = state.answers.filter(\.duringOutage)
        print(
            "store outage (\(label)): \(state.answers.count) checks (\(down.count) during the outage), "
                + "\(state.loggedOut.count) logouts and \(state.registered.count) registrations acknowledged"
        )
    }

    /// Polls `server` (at most 30 s) until `/health` is 200 and the live token is checked and accepted again:
    /// the same process, never restarted.
    static func recovered(_ server: LiveServer, live: TokenPair) async throws {
        let pid = server.pid
        let deadline = ContinuousClock.now + .seconds(30)
        while true {
            let health = try await server.get("/health")
            if health.status == .ok, try await server.get("/api/protected", token: live.access).status == .ok { break }
            guard ContinuousClock.now < deadline else {
                Issue.record("the instance on port \(server.port) did not recover within 30 s (\(health)): \(server.log())")
                return
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(server.pid == pid)
    }
}
