/// Why the PostgreSQL store cannot be used: a database newer than this code, or a store that was closed.
/// The store's operations never throw it to callers: they throw `JWTAuthError.unavailable` instead.
public struct PostgresStoreError: Error, Sendable, Hashable, CustomStringConvertible {
    public let description: String

    /// The store was closed.
    public static let closed = Self(description: "The PostgreSQL store is closed")
}
