/// Where users are kept. Implementations: `MemoryUserStore`, and the SQLite and PostgreSQL stores.
///
/// A store that cannot answer throws an error that is not a `JWTAuthError`; callers turn it into
/// `unavailable`.
public protocol UserStore: Sendable {
    /// Adds a user. - Throws: `JWTAuthError.conflict` when the username is taken (atomically: of any
    /// number of concurrent creations of one name, exactly one succeeds).
    func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord
    /// The user with this exact username, if any.
    func user(named username: String) async throws -> UserRecord?
    /// The user with this id, if any.
    func user(id: String) async throws -> UserRecord?
    /// Replaces a user's password hash.
    func setPasswordHash(_ passwordHash: String, forUser id: String) async throws
    /// Disables or enables a user.
    func setDisabled(_ isDisabled: Bool, forUser id: String) async throws
    /// Every user, by id.
    func allUsers() async throws -> [UserRecord]
}
