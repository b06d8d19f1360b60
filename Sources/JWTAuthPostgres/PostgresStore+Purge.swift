import JWTAuth
import Logging
import PostgresNIO

extension PostgresStore {
    /// Deletes the revocations and sessions (live or ended) whose time has passed, and the spent refresh tokens an
    /// earlier version wrote, in one transaction,
    /// and returns how many rows went. Cutoffs stay: one per user at most.
    @discardableResult
    public func purgeExpired() async throws -> Int {
        let now = clock.now
        return try await perform("purge") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                var removed = 0
                for table in ["jwt_auth_revoked_tokens", "jwt_auth_spent_refresh_tokens", "jwt_auth_sessions"] {
                    let rows = try await connection.query("DELETE FROM \(unescaped: table) WHERE expires_at <= \(now) RETURNING 1", logger: logger)
                    for try await _ in rows { removed += 1 }
                }
                return removed
            }
        }
    }

    /// Purges expired entries now and then every `interval` (default 10 minutes), until the task is
    /// cancelled. A failed purge (the database is down) is logged by the store and tried again next time.
    public func run(purgeEvery interval: Duration = .seconds(600)) async {
        while !Task.isCancelled {
            do {
                try await purgeExpired()
            } catch is CancellationError {
                return
            } catch {
                // Logged by perform; try again at the next interval.
            }
            do { try await Task.sleep(for: interval) } catch { return }
        }
    }
}
