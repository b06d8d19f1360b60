/// A ``UserStore`` and ``SessionStore`` in memory, for tests and examples.
public actor MemoryUserStore: UserStore, SessionStore {
    private let clock: JWTClock
    private var users: [String: UserRecord] = [:]
    private var idsByName: [String: String] = [:]
    private var nextID = 1
    private var sessions: [String: (subject: String, until: Double)] = [:]

    public init(clock: JWTClock = .system) {
        self.clock = clock
    }

    public func createUser(username: String, passwordHash: String, roles: [String]) throws -> UserRecord {
        guard idsByName[username] == nil else { throw JWTAuthError.conflict() }
        let user = UserRecord(id: String(nextID), username: username, passwordHash: passwordHash, roles: roles, createdAt: clock.now)
        nextID += 1
        users[user.id] = user
        idsByName[username] = user.id
        return user
    }

    public func user(named username: String) -> UserRecord? { idsByName[username].flatMap { users[$0] } }

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

    public func openSession(_ sessionID: String, subject: String, until: Double) {
        sessions[sessionID] = (subject, until)
    }

    public func extendSession(_ sessionID: String, until: Double) {
        if let session = sessions[sessionID] { sessions[sessionID] = (session.subject, max(session.until, until)) }
    }

    public func openSessions(of subject: String) -> [String: Double] {
        let now = clock.now
        var result: [String: Double] = [:]
        for (id, session) in sessions where session.subject == subject && session.until > now { result[id] = session.until }
        return result
    }

    public func closeSession(_ sessionID: String) {
        sessions[sessionID] = nil
    }
}
