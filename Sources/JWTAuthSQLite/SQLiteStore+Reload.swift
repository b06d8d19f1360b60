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
        let loaded: RevocationIndex? = try await read { db in
            let version = try await Self.dataVersion(db)
            guard version != state.withLock({ $0.dataVersion }) else { return nil }
            let index = try await Self.loadIndex(db, now: now)
            state.withLock { $0.dataVersion = version }
            return index
        }
        guard let loaded else { return false }
        state.withLock { state in
            for (tokenID, until) in loaded.tokens { state.index.revoke(tokenID: tokenID, until: until) }
            for (sessionID, until) in loaded.sessions { state.index.revoke(sessionID: sessionID, until: until) }
            for (subject, cutoff) in loaded.cutoffs { state.index.revokeAll(subject: subject, issuedBefore: cutoff) }
        }
        return true
    }

    /// `PRAGMA data_version` of this connection.
    static func dataVersion(_ db: SQLiteConnection) async throws -> Int64 {
        try await db.query("PRAGMA data_version").first?.integer("data_version") ?? 0
    }
}
