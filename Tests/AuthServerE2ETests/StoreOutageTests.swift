import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// A store stopped (killed) under load and started again, with two `jwt-auth serve` instances on it: no
/// request is let through unchecked, `/health` names the store that is down, the instances recover by
/// themselves, and no acknowledged write is lost. Each test has servers of its own (the shared ones
/// stay up for the other suites).
@Suite(.serialized, .enabled(if: TestStores.bothAvailable, "needs JWT_AUTH_POSTGRES_URL and JWT_AUTH_TEST_REDIS_URL (scripts/test)"))
struct StoreOutageTests {
    static let secret = String(repeating: "outage-test-secret-", count: 3)

    @Test func redisKilledUnderLoadFailsClosedAndTheInstancesRecoverByThemselves() async throws {
        let database = try TestStores.postgresURL()
        try await PrivateRedis.with { redis in
            let environment = [
                "JWT_AUTH_DATABASE_URL": database, "JWT_AUTH_BLOCKLIST_URL": redis.url,
                "JWT_AUTH_SECRET": Self.secret, "JWT_AUTH_LOGIN_ATTEMPTS": "0",
            ]
            try await LiveServer.withSeveral(2, environment: environment) { servers in
                try await outage(
                    servers,
                    storesWhileDown: ["database": "ok", "blocklist": "down"],
                    stop: { await redis.stop() },
                    start: { try await redis.start() }
                )
            }
        }
    }

    @Test func postgresKilledUnderLoadFailsClosedAndTheInstancesRecoverByThemselves() async throws {
        try await PrivatePostgres.with { postgres in
            let environment = [
                "JWT_AUTH_DATABASE_URL": postgres.url, "JWT_AUTH_SECRET": Self.secret, "JWT_AUTH_LOGIN_ATTEMPTS": "0",
            ]
            try await LiveServer.withSeveral(2, environment: environment) { servers in
                try await outage(
                    servers,
                    storesWhileDown: ["database": "down"],
                    stop: { await postgres.stop() },
                    start: { try await postgres.start() }
                )
            }
        }
    }

    func outage(
        _ servers: [LiveServer],
        storesWhileDown: JSONValue,
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
        try await load.wait { $0.answers.count >= 20 && $0.loggedOut.count >= 3 && $0.registered.count >= 3 }

        await stop()
        load.phase = .down
        try await load.wait { state in state.answers.count(where: { $0.phase == .down }) >= 6 }
        for server in servers {
            let health = try await server.get("/health")
            #expect(health.status == .serviceUnavailable)
            #expect(health.json == ["status": "unavailable", "stores": storesWhileDown])
        }

        try await start()
        load.phase = .restarted
        let restarted = ContinuousClock.now
        for server in servers {
            // Recovered: healthy, and the live token is checked and accepted again. No restart of the instance.
            let deadline = ContinuousClock.now + .seconds(20)
            while try await server.get("/health").status != .ok || server.get("/api/protected", token: live.access).status != .ok {
                guard ContinuousClock.now < deadline else {
                    Issue.record("instance on port \(server.port) did not recover within 20 s: \(server.log())")
                    break
                }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        print("store outage: both instances recovered \(ContinuousClock.now - restarted) after the store restarted")
        let acknowledgedBefore = load.state.withLock { $0.loggedOut.count + $0.registered.count }
        try await load.wait { state in
            state.loggedOut.count + state.registered.count >= acknowledgedBefore + 4
                && state.answers.count(where: { $0.phase == .restarted && $0.result.status == .ok }) >= 10
        }
        load.stop()
        await clients.value

        let state = load.state.withLock { $0 }
        #expect(state.unexpected.isEmpty, "\(state.unexpected.prefix(5))")
        // Never unchecked: the revoked token is never accepted, and nothing is accepted while the store is down.
        for answer in state.answers {
            let unavailable = answer.result.status == .serviceUnavailable && answer.result.error == "unavailable"
            if answer.revokedToken {
                #expect(unavailable || answer.result.error == "token_revoked", "revoked token answered \(answer.result)")
            } else if answer.phase == .down {
                #expect(unavailable, "a request sent while the store was down was answered \(answer.result)")
            } else {
                #expect(unavailable || answer.result.json == ["user": .string(id)], "\(answer.result)")
            }
        }
        #expect(state.answers.contains { $0.phase == .down && $0.result.status == .serviceUnavailable })

        // Nothing acknowledged is lost: every 204 logout still holds on both instances, every 201 user logs in.
        for (index, pair) in state.loggedOut.enumerated() {
            let server = servers[index % servers.count]
            #expect(try await server.get("/api/protected", token: pair.access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: pair.refresh).error == "token_revoked")
        }
        for (index, name) in state.registered.enumerated() {
            let login = try await servers[index % servers.count].post("/auth/login", json: LiveServer.credentials(name))
            #expect(login.status == .ok, "\(name) was acknowledged but cannot log in: \(login)")
        }
        for server in servers {
            #expect(try await server.get("/api/protected", token: live.access).status == .ok)
            #expect(try await server.get("/api/protected", token: revoked.access).error == "token_revoked")
        }
        print("store outage: \(state.answers.count) checks, \(state.loggedOut.count) logouts and \(state.registered.count) registrations acknowledged")
    }
}
