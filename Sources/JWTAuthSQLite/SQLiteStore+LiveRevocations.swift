public import JWTAuth
import SQLiteNIO
import Synchronization

extension SQLiteStore {
    /// The live revocations in the file, with their ids, e.g. to refill a shared blocklist such as Redis after
    /// it lost its data. Read from the tables (the index in memory keeps no ids), so it holds what every
    /// process committed.
    public func revocationSnapshot() async throws -> RevocationSnapshot {
        let now = clock.now
        let snapshot = Accumulator(RevocationSnapshot())
        try await read { db in
            try await Self.liveRevocations(db, now: now) { kind, id, time in
                snapshot.value.withLock { $0.insert(kind, id, time) }
            }
        }
        return snapshot.take(RevocationSnapshot())
    }

    /// The index of the live revocations in the file.
    static func loadIndex(_ db: SQLiteConnection, now: Double) async throws -> RevocationIndex {
        let index = Accumulator(RevocationIndex())
        try await liveRevocations(db, now: now) { kind, id, time in
            let (key, seconds) = (RevocationKey(id), RevocationIndex.seconds(time))
            index.value.withLock { $0.insert(kind, key, seconds) }
        }
        return index.take(RevocationIndex())
    }

    /// Calls `body` with each live revocation in the tables, row by row: every unexpired revoked `jti`, every
    /// ended session whose revocation still matters, and every cutoff. The one place that says which rows a revocation check needs, for the index
    /// at open, its reloads, and snapshots.
    static func liveRevocations(
        _ db: SQLiteConnection,
        now: Double,
        _ body: @escaping @Sendable (RevocationKind, String, Double) -> Void
    ) async throws {
        let queries: [(RevocationKind, String, [SQLiteData])] = [
            (.token, "SELECT jti AS id, expires_at AS time FROM revoked_tokens WHERE expires_at > ?1", [.float(now)]),
            (.session, "SELECT sid AS id, expires_at AS time FROM sessions WHERE ended = 1 AND expires_at > ?1", [.float(now)]),
            (.cutoff, "SELECT subject AS id, cutoff AS time FROM user_cutoffs", []),
        ]
        for (kind, sql, binds) in queries {
            let malformed = Atomic(false)
            try await db.query(sql, binds) { row in
                guard let id = row.column("id")?.string, let time = row.column("time")?.double else {
                    malformed.store(true, ordering: .relaxed)
                    return
                }
                body(kind, id, time)
            }
            if malformed.load(ordering: .relaxed) { throw SQLiteStoreError(description: "A revocation row is malformed") }
        }
    }
}

/// A value built up by row callbacks, which run one after another on sqlite-nio's thread pool.
private final class Accumulator<Value: Sendable>: Sendable {
    let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    /// The value, leaving `empty` behind so that the caller holds the only copy of its storage.
    func take(_ empty: Value) -> Value {
        value.withLock { value in
            defer { value = empty }
            return value
        }
    }
}
