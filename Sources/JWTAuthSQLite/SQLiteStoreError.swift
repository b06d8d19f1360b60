/// Why the SQLite store cannot answer: closed, or a file it cannot use. Like any store error that is not a
/// `JWTAuthError`, callers turn it into `unavailable`. Errors from SQLite itself pass through as `SQLiteError`.
public struct SQLiteStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    /// The store was closed.
    public static let closed = Self(description: "The SQLite store is closed")
}
