public import JWTAuth
import Synchronization

/// The accounts of a user store, with no token to issue or verify: creating users under the rules of
/// ``Credentials``, finding, listing, renaming, disabling and deleting them, changing passwords.
///
/// ``AuthService`` is built on one (``AuthService/accounts``); an administration front that holds no signing
/// key (the `jwt-auth users` commands) uses one alone. Ending sessions writes revocations to `revocations`:
/// give it the store that verifiers consult.
public struct AccountService: Sendable {
    public let users: any UserStore
    public let sessions: any SessionStore
    public let revocations: any RevocationStore
    /// The roles a user created without roles gets. Defaults to none.
    public var defaultRoles: [String]
    /// The token lifetimes and leeway: how long a revocation of a session is kept.
    public let tokens: TokenConfiguration
    public let clock: JWTClock
    private let hasher: LazyHasher

    /// The accounts of `users`; `passwords` is made when first needed, so that a service that only lists,
    /// renames, disables or deletes users runs no bcrypt.
    public init(
        users: any UserStore,
        sessions: any SessionStore,
        revocations: any RevocationStore,
        passwords: @autoclosure @escaping @Sendable () -> PasswordHasher,
        defaultRoles: [String] = [],
        tokens: TokenConfiguration = TokenConfiguration(),
        clock: JWTClock = .system
    ) {
        self.users = users
        self.sessions = sessions
        self.revocations = revocations
        self.hasher = LazyHasher(passwords)
        self.defaultRoles = defaultRoles
        self.tokens = tokens
        self.clock = clock
    }

    /// Hashes and checks passwords (bcrypt on its own pool).
    public var passwords: PasswordHasher { hasher.value }

    /// The session rules over these stores.
    public var userSessions: UserSessions {
        UserSessions(sessions: sessions, revocations: revocations, tokens: tokens, clock: clock)
    }

    /// Creates a user: the rules of ``Credentials`` for new names and passwords, bcrypt on the hasher's pool,
    /// the store's atomic uniqueness. `roles` defaults to ``defaultRoles``.
    /// - Throws: `bad_request` (also for a role that breaks ``Credentials/role(_:)``), `conflict`, `unavailable`
    ///   (bcrypt's queue is full), or a store's error.
    public func createUser(username: String, password: String, roles: [String]? = nil) async throws -> UserRecord {
        let credentials = try Self.newCredentials(username: username, password: password)
        for role in roles ?? [] { _ = try Credentials.role(role) }
        return try await insert(credentials, roles: roles)
    }

    /// The user with id `id` (a token's `sub`).
    /// - Throws: `user_not_found`, or a store's error.
    public func user(id: String) async throws -> UserRecord {
        guard let user = try await users.user(id: id) else { throw JWTAuthError.userNotFound(id) }
        return user
    }

    /// The user whose name has the comparison key of `name` (``Credentials/comparisonKey(_:)``: `ALICE` finds
    /// `alice`), if any.
    public func user(named name: String) async throws -> UserRecord? {
        try await users.user(named: name)
    }

    /// The users an administrator may mean by `name`: the one whose stored name is exactly `name`, else each
    /// one whose name has its comparison key. Several only where names stored before RFC 8265's rules clash
    /// (`Bob` and `bob`), which the exact name tells apart.
    public func users(matching name: String) async throws -> [UserRecord] {
        let all = try await users.allUsers()
        if let user = all.first(where: { $0.username.unicodeScalars.elementsEqual(name.unicodeScalars) }) { return [user] }
        let key = Credentials.comparisonKey(name)
        return all.filter { Credentials.comparisonKey($0.username) == key }
    }

    /// Every user, by id.
    public func allUsers() async throws -> [UserRecord] {
        try await users.allUsers()
    }

    /// Renames the user `id` under the rules of ``Credentials`` for new names; their tokens stay valid (they
    /// carry the id). Returns the name as stored.
    /// - Throws: `bad_request`, `conflict`, or a store's error.
    @discardableResult
    public func rename(user id: String, to newName: String) async throws -> String {
        let username = try Credentials.username(newName)
        try await users.renameUser(id: id, to: username)
        return username
    }

    /// Deletes the user `id`, ending every session of theirs first: a failure between the two leaves a user
    /// whose tokens are dead, never a deleted user's live ones.
    public func delete(user id: String) async throws {
        try await userSessions.endAll(of: id)
        try await users.deleteUser(id: id)
        // A login whose credentials were checked before the delete can open its session between the two calls
        // above (its own second look at the user still found it): end that one too. A session opened after the
        // delete is refused by that second look.
        try await userSessions.endAll(of: id)
    }

    /// Ends every session of every user, e.g. after a change to what the service's tokens look like.
    /// - Returns: the number of users whose sessions ended.
    public func endEverySession() async throws -> Int {
        let all = try await users.allUsers()
        for user in all { try await userSessions.endAll(of: user.id) }
        return all.count
    }

    /// Disables (or enables) the user `id`; disabling ends every session of the user at once, enabling brings
    /// none back.
    public func setDisabled(_ isDisabled: Bool, user id: String) async throws {
        try await userSessions.setDisabled(isDisabled, user: id, in: users)
    }

    /// Grants `adding` to the user `id` and withdraws `removing`, in one change of the store, so that a change
    /// made at the same time is neither lost nor undone. Tokens carry the roles they were issued with: when a
    /// role goes, every session of the user ends, as after a new password; granting alone ends none.
    /// - Throws: `bad_request` (a role both granted and withdrawn, or a granted one that breaks
    ///   ``Credentials/role(_:)``), `user_not_found`, or a store's error.
    @discardableResult
    public func changeRoles(of id: String, adding: [String] = [], removing: [String] = []) async throws -> RoleChange {
        if let role = adding.first(where: removing.contains) {
            throw JWTAuthError.badRequest("The role \(role) is both added and removed")
        }
        // A role to withdraw is not checked: one stored before the rules can still be taken away.
        for role in adding { _ = try Credentials.role(role) }
        // A user who holds a role to withdraw loses their sessions before the change too: should the store fail
        // after changing, a retry (which changes nothing more) has still ended them.
        if !removing.isEmpty, try await user(id: id).roles.contains(where: removing.contains) {
            try await userSessions.endAll(of: id)
        }
        guard let change = try await users.changeRoles(ofUser: id, adding: adding, removing: removing) else {
            throw JWTAuthError.userNotFound(id)
        }
        // After the change: a login that read the old roles either opened its session before this (ended here) or
        // sees the new roles when it looks at the user again (``AuthService/startSession(for:)``).
        if !change.removed.isEmpty { try await userSessions.endAll(of: id) }
        return change
    }

    /// Replaces the password of the user `id` and ends every session of theirs (`current`, the session of the
    /// request if any, is revoked too).
    /// - Throws: `bad_request` (the rules for new passwords, naming `field`), `user_not_found`, `unavailable`
    ///   (bcrypt's queue is full), or a store's error.
    public func changePassword(of id: String, to newPassword: String, field: String = "new_password", current: String? = nil) async throws {
        let password = try Credentials.password(newPassword, field: field)
        _ = try await user(id: id)
        try await users.setPasswordHash(try await passwords.hash(password), forUser: id)
        try await userSessions.endAll(of: id, current: current)
    }

    /// A new username and password checked by the rules of ``Credentials``.
    static func newCredentials(username: String, password: String) throws(JWTAuthError) -> (username: String, password: String) {
        (try Credentials.username(username), try Credentials.password(password))
    }

    /// Stores a user with `credentials` already checked by ``newCredentials(username:password:)``.
    func insert(_ credentials: (username: String, password: String), roles: [String]?) async throws -> UserRecord {
        let hash = try await passwords.hash(credentials.password)
        return try await users.createUser(username: credentials.username, passwordHash: hash, roles: roles ?? defaultRoles)
    }
}

/// A password hasher made on first use: making one runs bcrypt once (its hash for unknown users).
private final class LazyHasher: Sendable {
    private let make: @Sendable () -> PasswordHasher
    private let made = Mutex<PasswordHasher?>(nil)

    init(_ make: @escaping @Sendable () -> PasswordHasher) { self.make = make }

    var value: PasswordHasher {
        made.withLock { made in
            if let made { return made }
            let hasher = make()
            made = hasher
            return hasher
        }
    }
}
