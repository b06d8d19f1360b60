/// A ``UserStore``, ``SessionStore`` and ``InstallationSecretStore`` in memory, for tests and examples.
public actor MemoryUserStore: UserStore, SessionStore, InstallationSecretStore {
    private let clock: JWTClock
    private var users: [String: UserRecord] = [:]
    /// Ids by ``Username/key(_:)``.
    private var idsByKey: [String: String] = [:]
    private var secrets: [String: [UInt8]] = [:]
    private var nextID = 1
    private var sessions: [String: SessionRecord] = [:]
    /// Ended sessions, until their access tokens' end: none of them can be recorded again.
    private var ended: [String: Double] = [:]

    public init(clock: JWTClock = .system) {
        self.clock = clock
    }

    public func createUser(username: String, passwordHash: String, roles: [String]) throws -> UserRecord {
        let key = Username.key(username)
        guard idsByKey[key] == nil else { throw JWTAuthError.conflict() }
        let user = UserRecord(id: String(nextID), username: username, passwordHash: passwordHash, roles: roles, createdAt: clock.now)
        nextID += 1
        users[user.id] = user
        idsByKey[key] = user.id
        return user
    }

    public func user(named username: String) -> UserRecord? { idsByKey[Username.key(username)].flatMap { users[$0] } }

    public func user(id: String) -> UserRecord? { users[id] }

    public func setPasswordHash(_ passwordHash: String, forUser id: String) {
        users[id]?.passwordHash = passwordHash
    }

    public func setDisabled(_ isDisabled: Bool, forUser id: String) {
        users[id]?.isDisabled = isDisabled
    }

    public func allUsers() -> [UserRecord] {
        users.values.sorted { (Int($0.id) ?? 0, $0.id) < (Int($1.id) ?? 0, $1.id) }
    }

    public func renameUser(id: String, to username: String) throws {
        guard let old = users[id]?.username else { return }
        let key = Username.key(username)
        if let owner = idsByKey[key], owner != id { throw JWTAuthError.conflict() }
        idsByKey[Username.key(old)] = nil
        idsByKey[key] = id
        users[id]?.username = username
    }

    public func changeRoles(ofUser id: String, adding: [String], removing: [String]) -> RoleChange? {
        guard let previous = users[id]?.roles else { return nil }
        let change = RoleChange(previous: previous, adding: adding, removing: removing)
        users[id]?.roles = change.current
        return change
    }

    public func deleteUser(id: String) {
        guard let user = users.removeValue(forKey: id) else { return }
        idsByKey[Username.key(user.username)] = nil
    }

    public func exchangeInstallationValue(named name: String, with value: [UInt8]) -> [UInt8]? {
        defer { secrets[name] = value }
        return secrets[name]
    }

    public func installationSecret(named name: String) -> [UInt8] {
        if let secret = secrets[name] { return secret }
        let secret = Self.randomSecret()
        secrets[name] = secret
        return secret
    }

    public func openSession(_ session: SessionRecord) {
        let now = clock.now
        if ended.count > 1024 { ended = ended.filter { $0.value > now } }
        if sessions.count > 1024 { sessions = sessions.filter { $0.value.expiresAt > now } }
        guard ended[session.id] == nil else { return }
        sessions[session.id] = session
    }

    public func rotateRefreshToken(_ replacement: RefreshTokenReplacement) -> RefreshTokenRotation {
        let (sessionID, presented, next) = (replacement.sessionID, replacement.presented, replacement.next)
        let (accessTokensUntil, until) = (replacement.accessTokensUntil, replacement.until)
        guard var session = session(sessionID) else { return .ended }
        guard session.refreshTokenID == nil || session.refreshTokenID == presented else { return .reused }
        session.refreshTokenID = next
        session.accessTokensUntil = max(session.accessTokensUntil, accessTokensUntil)
        session.expiresAt = max(session.expiresAt, until)
        sessions[sessionID] = session
        return .rotated
    }

    public func recordAccessToken(sessionID: String, until: Double) -> Bool {
        guard var session = session(sessionID) else { return false }
        session.accessTokensUntil = max(session.accessTokensUntil, until)
        sessions[sessionID] = session
        return true
    }

    public func session(_ sessionID: String) -> SessionRecord? {
        guard let session = sessions[sessionID], session.expiresAt > clock.now else { return nil }
        return session
    }

    public func openSessions(of subject: String) -> [SessionRecord] {
        let now = clock.now
        return sessions.values.filter { $0.subject == subject && $0.expiresAt > now }
    }

    /// Ends the session; a revocation store, not this one, answers the checks of its tokens.
    public func endSession(_ sessionID: String) -> Double? {
        guard let accessTokensUntil = sessions.removeValue(forKey: sessionID)?.accessTokensUntil ?? ended[sessionID] else { return nil }
        ended[sessionID] = accessTokensUntil
        return accessTokensUntil
    }
}
