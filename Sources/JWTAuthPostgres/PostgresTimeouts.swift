import JWTAuth
import Logging
import PostgresNIO

extension Duration {
    /// Whole milliseconds, at least one: PostgreSQL's unit for `statement_timeout` and `lock_timeout`, where
    /// zero would mean no timeout at all.
    var postgresMilliseconds: Int64 {
        max(1, milliseconds)
    }
}

/// A timeout PostgreSQL applies per connection, which a transaction may change for itself.
enum PostgresTimeout: String {
    case statement = "statement_timeout"
    case lock = "lock_timeout"
}

extension PostgresConnection {
    /// Sets `timeout` to `duration` until the current transaction ends (`SET LOCAL`).
    func setLocal(_ timeout: PostgresTimeout, _ duration: Duration, logger: Logger) async throws {
        try await query("SET LOCAL \(unescaped: timeout.rawValue) = \(unescaped: String(duration.postgresMilliseconds))", logger: logger)
    }
}
