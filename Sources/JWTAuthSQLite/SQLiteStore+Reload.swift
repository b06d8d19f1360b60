import JWTAuth
import SQLiteNIO
import Synchronization

extension SQLiteStore {
    /// Merges into the index the revocations that another process (the `users disable` command, another
    /// service instance on the file) committed since the index last read the file, and returns whether
    /// the file had changed.
    ///
    /// Cheap when nothing changed: one `PRAGMA data_version`, which only changes when another connection
    /// commits. When it changed, the live revocations are read again and merged, the later time of each
    /// entry winning, so an entry this store wrote meanwhile is never dropped.
    @discardableResult
    public func reloadRevocationsIfChanged() async throws -> Bool {
        let now = clock.now
        return try await read { db in
            let version = try await Self.dataVersion(db)
            guard version != state.withLock({ $0.dataVersion }) else { return false }
            // Merged row by row: no second index in memory, and the lock is held for one entry at a time.
            try await Self.liveRevocations(db, now: now) { [self] kind, id, time in
                let (key, seconds) = (RevocationKey(id), RevocationIndex.seconds(time))
                state.withLock { $0.index.insert(kind, key, seconds) }
            }
            state.withLock { $0.dataVersion = version }
            return true
        }
    }

    /// `PRAGMA data_version` of this connection.
    static func dataVersion(_ db: SQLiteConnection) async throws -> Int64 {
        try await db.query("PRAGMA data_version").first?.integer("data_version") ?? 0
    }
}
