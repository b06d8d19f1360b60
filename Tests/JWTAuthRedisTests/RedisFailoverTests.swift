import JWTAuth
import JWTAuthRedis
import JWTAuthTestSupport
import Synchronization
import Testing

/// The client through a Sentinel failover: a group of the test's own (master, replica, three sentinels), the
/// master killed while a task keeps revoking and checking.
@Suite(.enabled(if: RedisTestServers.enabled(RedisTestServers.sentinel)))
struct RedisFailoverTests {
    struct Load: Sendable {
        /// Revocations the master acknowledged, and the replica too (`WAIT 1`), before the kill.
        var replicated: [String] = []
        /// Revocations acknowledged after the failover.
        var after: [String] = []
        var failuresDuringFailover = 0
        /// Errors no caller may get: anything but "Redis is unavailable" (no connection, a closed one, a timeout).
        var unexpected: [String] = []
        var killed = false
        var stopped = false
    }

    /// The load's state, shared with its task.
    final class Shared: Sendable {
        let state = Mutex(Load())
        func withLock<T>(_ body: (inout Load) -> T) -> T { state.withLock { body(&$0) } }
    }

    /// With `tls`, every node (sentinels, master, replica) is TLS only: `rediss+sentinel://`.
    @Test(.bug(id: 20, "follow a Sentinel failover"), .timeLimit(.minutes(2)), arguments: [false, true])
    func theClientFollowsAFailoverByItselfAndKeepsWhatWasReplicated(tls: Bool) async throws {
        try await RedisSentinelGroup.with(tls: tls) { group in
            var configuration = try RedisConfiguration(url: group.urlWithUser)
            #expect((configuration.tls != nil) == tls)
            if let caFile = group.caFile { configuration.tls = RedisTLS(caFile: caFile) }
            // One connection: `WAIT` counts the writes of its own connection.
            configuration.poolSize = 1
            configuration.commandTimeout = .seconds(5)
            configuration.connectTimeout = .seconds(5)
            configuration.maximumReconnectDelay = .milliseconds(200)
            let client = RedisClient(configuration: configuration)
            let store = RedisRevocationStore(client: client, keyPrefix: RedisTestServers.uniquePrefix())
            let load = Shared()
            let until = Double(UInt64.now + 3600)

            let task = Task {
                var index = 0
                while !load.withLock({ $0.stopped }) {
                    index += 1
                    let id = "jti-\(index)"
                    let killed = load.withLock { $0.killed }
                    do {
                        try await store.revoke(tokenID: id, until: until)
                        // Before the kill, acknowledged by the replica too (on this one connection).
                        let replicas = killed ? nil : try await client.send("WAIT", "1", "1000")
                        let revoked = try await store.isRevoked(RevocationQuery(tokenID: id))
                        load.withLock { state in
                            if !revoked { state.unexpected.append("\(id) was not revoked right after its revocation") }
                            if replicas == .integer(1) { state.replicated.append(id) }
                            if killed { state.after.append(id) }
                        }
                    } catch let error as RedisError where [.connectionFailed, .connectionClosed, .timeout].contains(error.code) {
                        load.withLock { $0.failuresDuringFailover += 1 }
                        try? await Task.sleep(for: .milliseconds(20))
                    } catch {
                        load.withLock { $0.unexpected.append("\(error)") }
                    }
                }
            }
            defer { task.cancel() }
            try await waitFor("writes before the kill") { load.withLock { $0.replicated.count >= 20 } }

            load.withLock { $0.killed = true }
            group.killMaster()
            let killedAt = ContinuousClock.now
            try await waitFor("writes on the new master", timeout: .seconds(30)) { load.withLock { $0.after.count >= 20 } }
            print("Sentinel failover\(tls ? " (TLS)" : ""): the client wrote again \(ContinuousClock.now - killedAt) after the master was killed")
            load.withLock { $0.stopped = true }
            await task.value

            let state = load.withLock { $0 }
            #expect(state.unexpected.isEmpty, "\(state.unexpected.prefix(5))")
            #expect(state.failuresDuringFailover >= 1, "the kill went unnoticed")
            // The node now written to is the former replica, promoted.
            guard case .array(let role?) = try await client.send("ROLE") else { throw RedisError.protocolError }
            #expect(role.first?.string == "master")
            #expect(client.masterChanges == 1)
            // No write was ever tried on it while it was a replica (it would have answered -READONLY).
            let errors = try await client.send("INFO", "errorstats").string ?? ""
            #expect(!errors.contains("READONLY"), "\(errors)")
            // Every revocation the replica acknowledged before the kill, and every one after, is still there.
            for id in state.replicated + state.after {
                #expect(try await store.isRevoked(RevocationQuery(tokenID: id)), "\(id) was lost")
            }
            await client.close()
        }
    }

    /// A revocation the record holds but the new master does not (the old master acknowledged it and died before
    /// passing it on; here it is written to the record alone): after the failover the blocklist refills Redis from
    /// the record before answering, so the token stays revoked.
    @Test(.bug(id: 20, "a revocation lost in a failover came back valid"), .timeLimit(.minutes(2)))
    func theBlocklistRefillsTheNewMasterFromTheRecord() async throws {
        try await RedisSentinelGroup.with { group in
            var configuration = try RedisConfiguration(url: group.urlWithUser)
            configuration.commandTimeout = .seconds(5)
            configuration.connectTimeout = .seconds(5)
            configuration.maximumReconnectDelay = .milliseconds(200)
            let client = RedisClient(configuration: configuration)
            let record = IndexRecord()
            let redis = RedisRevocationStore(client: client, keyPrefix: RedisTestServers.uniquePrefix())
            let blocklist = RedisBlocklist(record: record, redis: redis, snapshot: { await record.snapshot })
            let until = Double(UInt64.now + 3600)
            try await blocklist.revoke(tokenID: "replicated", until: until)
            #expect(try await blocklist.isRevoked(RevocationQuery(tokenID: "replicated")))
            _ = try await client.send("WAIT", "1", "1000")
            // Acknowledged by the record, never reached Redis.
            try await record.revoke(tokenID: "lost", until: until)

            group.killMaster()
            let deadline = ContinuousClock.now + .seconds(30)
            var answer: Bool?
            while answer == nil, ContinuousClock.now < deadline {
                answer = try? await blocklist.isRevoked(RevocationQuery(tokenID: "lost"))
                if answer == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(client.masterChanges == 1)
            #expect(answer == true, "the revocation only the record had was not restored on the new master")
            #expect(try await redis.isRevoked(RevocationQuery(tokenID: "lost")), "Redis itself was refilled")
            #expect(try await blocklist.isRevoked(RevocationQuery(tokenID: "replicated")))
            await client.close()
        }
    }

    /// Polls `condition` (every 20 ms, at most `timeout`).
    func waitFor(_ goal: String, timeout: Duration = .seconds(20), _ condition: () -> Bool) async throws {
        let deadline = ContinuousClock.now + timeout
        while !condition() {
            guard ContinuousClock.now < deadline else {
                Issue.record("no \(goal) within \(timeout)")
                throw RedisError.timeout
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }
}

extension UInt64 {
    /// Seconds since 1970.
    fileprivate static var now: UInt64 { UInt64(JWTClock.system.now) }
}
