public import JWTAuth
import Synchronization

/// Revocations kept in a database store (the record) and in Redis, which answers the check of every
/// request for every instance: the `BLOCKLIST_URL=redis://…` setup of the service.
///
/// A revocation is written to the record, then to Redis. Refresh tokens are the record's concern (its session
/// rows), not this store's. Redis holds a marker key, `<prefix>filled`, read with every check: when it is missing,
/// Redis lost its data (a restart without persistence, a flush), and the store refills it from the
/// record's snapshot before answering, so no revocation is lost. A write to Redis that fails makes this
/// instance refill before its next check too, and so does a Sentinel failover (the client found another master):
/// a revocation the old master acknowledged but had not passed to its replica is in the record, not in the new
/// master, whose marker came with the replication. While either store is down, calls throw: fail closed.
public final class RedisBlocklist: RevocationStore {
    /// The database store, the record of revocations.
    public let record: any RevocationStore
    /// The Redis store that answers checks.
    public let redis: RedisRevocationStore
    private let snapshot: @Sendable () async throws -> RevocationSnapshot
    private let clock: JWTClock
    private let state = Mutex(State())
    /// The checks' `MGET`s, concurrent checks' keys in one, with the marker.
    private let reads: RedisBatchedReads

    private struct State {
        var mustRefill = false
        /// The client's count of master changes when Redis was last refilled.
        var masterChangesRefilled = 0
        var refill: (id: Int, task: Task<Void, any Error>)?
        var nextRefillID = 0
    }

    /// A blocklist on `redis` over `record`.
    /// - Parameters:
    ///   - snapshot: The record's live revocations, read from its tables, for refilling Redis
    ///     (`SQLiteStore.revocationSnapshot` or `PostgresStore.revocationSnapshot`).
    ///   - clock: What checks take as now. Defaults to the system clock.
    public init(
        record: any RevocationStore,
        redis: RedisRevocationStore,
        snapshot: @escaping @Sendable () async throws -> RevocationSnapshot,
        clock: JWTClock = .system
    ) {
        self.record = record
        self.redis = redis
        self.snapshot = snapshot
        self.clock = clock
        self.reads = RedisBatchedReads(client: redis.client, sharedKeys: [redis.keyPrefix + "filled"])
    }

    private var markerKey: String { redis.keyPrefix + "filled" }

    public func revoke(tokenID: String, until: Double) async throws {
        try await record.revoke(tokenID: tokenID, until: until)
        try await writingToRedis { try await redis.revoke(tokenID: tokenID, until: until) }
    }

    public func revoke(sessionID: String, until: Double) async throws {
        try await record.revoke(sessionID: sessionID, until: until)
        try await writingToRedis { try await redis.revoke(sessionID: sessionID, until: until) }
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        try await record.revokeAll(subject: subject, issuedBefore: cutoff)
        try await writingToRedis { try await redis.revokeAll(subject: subject, issuedBefore: cutoff) }
    }

    /// An `MGET` of the token's keys and the marker, sent after this call began; a refill first when Redis lost
    /// its data. Checks made while another's `MGET` is in flight go together in the next one.
    public func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        let keys = redis.keys(for: query)
        for attempt in 0..<2 {
            let masterChanges = redis.client.masterChanges
            if state.withLock({ $0.mustRefill || $0.masterChangesRefilled != masterChanges }) { try await refill() }
            let (values, shared) = try await reads.read(keys)
            if shared.first?.isNull ?? true, attempt == 0 {
                state.withLock { $0.mustRefill = true }
                continue
            }
            // The answer came from a master found during this very check: refill it first, then ask again.
            if attempt == 0, state.withLock({ $0.masterChangesRefilled != redis.client.masterChanges }) { continue }
            return try RedisRevocationStore.isRevoked(query, values: values, now: clock.now)
        }
        throw RedisError(code: .connectionClosed, message: "Redis lost its data again while being refilled")
    }

    /// Writes the record's live revocations to Redis, then the marker. Concurrent callers share one refill.
    public func refill() async throws {
        let (id, task) = state.withLock { state in
            if let refill = state.refill { return refill }
            let id = state.nextRefillID
            state.nextRefillID += 1
            let task = Task { try await self.writeSnapshot() }
            state.refill = (id, task)
            return (id, task)
        }
        defer { state.withLock { if $0.refill?.id == id { $0.refill = nil } } }
        try await task.value
    }

    private func writeSnapshot() async throws {
        // Cleared first: a write failing from now on asks for another refill, and so does a master change.
        let masterChanges = redis.client.masterChanges
        state.withLock { state in
            state.mustRefill = false
            state.masterChangesRefilled = masterChanges
        }
        do {
            // One connection for all: were Redis to restart midway, the marker must not reach the new one.
            let live = try await snapshot()
            let sha = RedisRevocationStore.extendScriptSHA
            let commands =
                [["SCRIPT", "LOAD", RedisRevocationStore.extendScript]] + redis.commands(writing: live, scriptSHA: sha)
                + [["SET", markerKey, "1"]]
            for reply in try await redis.client.pipeline(commands, batchSize: 512) {
                if case .error(let message) = reply { throw RedisError(code: .serverError, message: message) }
            }
        } catch {
            state.withLock { $0.mustRefill = true }
            throw error
        }
    }

    private func writingToRedis(_ write: () async throws -> Void) async throws {
        do {
            try await write()
        } catch {
            state.withLock { $0.mustRefill = true }
            throw error
        }
    }
}
