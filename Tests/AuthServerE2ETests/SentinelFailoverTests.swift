import Foundation
import HTTPTypes
import JWTAuth
import JWTAuthTestSupport
import Synchronization
import Testing

/// Two `jwt-auth serve` instances with `BLOCKLIST_URL=redis+sentinel://…` (a master, a replica and three
/// sentinels of the test's own) and the shared PostgreSQL, while the master is killed: every check answers
/// 200 or 503 `unavailable` (fail closed, never open), a token revoked before the kill stays revoked, and the
/// instances answer 200 again by themselves once the sentinels have promoted the replica.
@Suite(.enabled(if: TestStores.bothAvailable, "needs JWT_AUTH_POSTGRES_URL and JWT_AUTH_TEST_REDIS_URL (scripts/test)"))
struct SentinelFailoverTests {
    struct Answer: Sendable {
        let afterKill: Bool
        let revokedToken: Bool
        let result: HTTPResult
    }

    /// What the readers were answered, and whether the master was killed when they asked.
    final class Readers: Sendable {
        let answers = Mutex<[Answer]>([])
        let killed = Atomic(false)
        let stopped = Atomic(false)
    }

    @Test(.bug(id: 20, "the instances follow a Sentinel failover"), .timeLimit(.minutes(3)))
    func theInstancesAnswerOnly200Or503DuringAFailoverThen200AgainByThemselves() async throws {
        try await TestStores.withOwnDatabase { database in
            try await RedisSentinelGroup.with { group in
                let environment = [
                    "JWT_AUTH_DATABASE_URL": database, "JWT_AUTH_BLOCKLIST_URL": group.urlWithUser,
                    "JWT_AUTH_SECRET": String(repeating: "sentinel-failover-secret-", count: 2), "JWT_AUTH_LOGIN_ATTEMPTS": "0",
                ]
                try await LiveServer.withSeveral(2, environment: environment) { servers in
                    try await failover(servers, group)
                }
            }
        }
    }

    func failover(_ servers: [LiveServer], _ group: RedisSentinelGroup) async throws {
        let id = try await servers[0].register("sentinel-user")
        let live = try await servers[1].login("sentinel-user")
        let revoked = try await servers[0].login("sentinel-user")
        #expect(try await servers[1].post("/auth/logout", token: revoked.access).status == .noContent)
        // The revocation is on the replica too before the kill (replication is asynchronous).
        try await Self.waitUntilReplicated(group)

        let shared = Readers()
        let readers = Task {
            await withTaskGroup(of: Void.self) { readers in
                for reader in 0..<4 {
                    readers.addTask {
                        var index = reader
                        while !shared.stopped.load(ordering: .relaxed) {
                            index += 1
                            let afterKill = shared.killed.load(ordering: .relaxed)
                            let token = index % 2 == 0 ? live : revoked
                            guard let result = try? await servers[index % servers.count].get("/api/protected", token: token.access) else {
                                continue
                            }
                            shared.answers.withLock {
                                $0.append(Answer(afterKill: afterKill, revokedToken: token.access == revoked.access, result: result))
                            }
                            try? await Task.sleep(for: .milliseconds(10))
                        }
                    }
                }
            }
        }
        defer { readers.cancel() }
        try await Self.waitFor("answers before the kill") { shared.answers.withLock { $0.count >= 20 } }

        shared.killed.store(true, ordering: .relaxed)
        group.killMaster()
        let killedAt = ContinuousClock.now
        try await Self.waitFor("503 after the kill") {
            shared.answers.withLock { $0.contains { $0.afterKill && $0.result.status == .serviceUnavailable } }
        }
        // Then 200 again on every instance, the same processes: the clients found the new master themselves.
        for server in servers {
            let pid = server.pid
            let deadline = ContinuousClock.now + .seconds(30)
            while try await server.get("/api/protected", token: live.access).status != .ok {
                guard ContinuousClock.now < deadline else {
                    Issue.record("the instance on port \(server.port) did not answer 200 within 30 s of the kill: \(server.log())")
                    return
                }
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await server.get("/api/protected", token: revoked.access).error == "token_revoked")
            #expect(server.pid == pid)
        }
        print("Sentinel failover: the instances answered 200 again \(ContinuousClock.now - killedAt) after the master was killed")
        shared.stopped.store(true, ordering: .relaxed)
        await readers.value

        let all = shared.answers.withLock { $0 }
        print(
            "Sentinel failover: \(all.count) checks, \(all.count { $0.result.status == .serviceUnavailable }) answered 503, "
                + "\(all.count { $0.afterKill && $0.result.status == .ok }) answered 200 after the kill"
        )
        for answer in all {
            let unavailable = answer.result.status == .serviceUnavailable && answer.result.error == "unavailable"
            if answer.revokedToken {
                #expect(unavailable || answer.result.error == "token_revoked", "a revoked token was answered \(answer.result)")
            } else {
                #expect(unavailable || answer.result.json == ["user": .string(id)], "\(answer.result)")
            }
        }
        // A write after the failover reaches the new master: logout, seen by the other instance.
        let later = try await servers[0].login("sentinel-user")
        #expect(try await servers[0].post("/auth/logout", token: later.access).status == .noContent)
        #expect(try await servers[1].get("/api/protected", token: later.access).error == "token_revoked")
    }

    /// Waits until the replica has every write the master has (its replication offset).
    static func waitUntilReplicated(_ group: RedisSentinelGroup) async throws {
        let master = try replication(port: group.masterPort)
        guard let offset = master.value("master_repl_offset").flatMap(Int.init) else {
            throw LiveServerError("no master_repl_offset in \(master)")
        }
        try await waitFor("the replica at offset \(offset)") {
            let replica = try? replication(port: group.replicaPort)
            return (replica?.value("slave_repl_offset").flatMap(Int.init) ?? -1) >= offset
        }
    }

    /// `INFO replication` of the data node on `port`.
    static func replication(port: Int) throws -> String {
        let arguments = ["redis-cli", "-p", String(port), "-a", RedisSentinelGroup.password, "--no-auth-warning", "info", "replication"]
        return String(decoding: try ChildProcess.run("/usr/bin/env", arguments).standardOutput, as: UTF8.self)
    }

    /// Polls `condition` (every 20 ms, at most `timeout`).
    static func waitFor(_ goal: String, timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else { throw LiveServerError("no \(goal) within \(timeout)") }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension String {
    /// The value of `name:` in `INFO`'s output.
    fileprivate func value(_ name: String) -> String? {
        split(whereSeparator: \.isNewline).first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }
}
