import JWTAuth
import Logging
import SQLiteNIO
import Synchronization

extension SQLiteStore {
    /// Deletes the revocations and sessions (live or ended) whose time has passed, and the spent refresh tokens an
    /// earlier version wrote, from the file and the index, and returns how many rows went. Cutoffs stay: one per
    /// user at most.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let now = clock.now
        let removed = try await write { db in
            var removed = 0
            for table in ["revoked_tokens", "spent_refresh_tokens", "sessions"] {
                _ = try await db.query("DELETE FROM \(table) WHERE expires_at <= ?1", [.float(now)])
                removed += try await Self.changes(db)
            }
            return removed
        }
        state.withLock { $0.index.purge(now: now) }
        return removed
    }

    /// Purges expired entries now and then every `purgeInterval` (default 10 minutes), and merges the
    /// revocations other processes commit to the file every `pollInterval` (default 1 second, see
    /// ``reloadRevocationsIfChanged()``), until the task is cancelled or the store closed. A failed purge or
    /// reload is logged and tried again next time.
    public func run(purgeEvery purgeInterval: Duration = .seconds(600), pollEvery pollInterval: Duration = .seconds(1)) async {
        let timer = ContinuousClock()
        var nextPurge = timer.now
        while !Task.isCancelled {
            do {
                if timer.now >= nextPurge {
                    nextPurge = timer.now.advanced(by: purgeInterval)
                    try await purgeExpired()
                }
                try await reloadRevocationsIfChanged()
            } catch is CancellationError {
                return
            } catch let error as SQLiteStoreError where error == .closed {
                return
            } catch {
                logger.warning("Purging expired entries or reading other processes' revocations failed", metadata: ["error": "\(error)"])
            }
            do { try await Task.sleep(for: pollInterval) } catch { return }
        }
    }
}
