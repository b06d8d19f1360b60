/// Where users are kept. Implementations: `MemoryUserStore`, and the SQLite and PostgreSQL stores.
///
/// A store that cannot answer throws an error that is not a `JWTAuthError`; callers turn it into
/// `unavailable`.
public protocol UserStore: Sendable {
    /// Adds a user. Usernames are compared by their ``Username/key(_:)`` (RFC 8265's UsernameCaseMapped
    /// form), so `Alice` cannot be added next to `alice`.
    /// - Throws: `JWTAuthError.conflict` when a user has the same key (atomically: of any number of
    ///   concurrent creations of names with one key, exactly one succeeds).
    func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord
    /// The user whose username has the same ``Username/key(_:)`` as `username`, if any: `ALICE` finds `alice`.
    func user(named username: String) async throws -> UserRecord?
    /// The user with this id, if any.
    func user(id: String) async throws -> UserRecord?
    /// Replaces a user's password hash.
    func setPasswordHash(_ passwordHash: String, forUser id: String) async throws
    /// Disables or enables a user.
    func setDisabled(_ isDisabled: Bool, forUser id: String) async throws
    /// Every user, by id.
    func allUsers() async throws -> [UserRecord]
    /// Renames a user; the name is stored as given and compared by its key. Renaming an unknown id does nothing.
    /// - Throws: `JWTAuthError.conflict` when another user has the same key.
    func renameUser(id: String, to username: String) async throws
    /// Grants `adding` and withdraws `removing` in one atomic change, computed as
    /// ``RoleChange/init(previous:adding:removing:)`` does from the roles stored at that moment: of concurrent
    /// changes of one user's roles, none is lost. The caller ends the user's sessions when a role went.
    /// - Returns: The roles before and after; nil when no user has this id.
    func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange?
    /// Deletes a user (the caller revokes the user's tokens). Deleting an unknown id does nothing.
    func deleteUser(id: String) async throws
}
