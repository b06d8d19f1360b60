/// A ``RevocationStore`` in memory, for one process and for tests. Expired entries are purged as it goes.
public actor MemoryRevocationStore: RevocationStore {
    private let clock: JWTClock
    private var tokens: [String: Double] = [:]
    private var sessions: [String: Double] = [:]
    private var spent: [String: Double] = [:]
    private var cutoffs: [String: Double] = [:]
    private var writesSincePurge = 0

    /// A store reading the time from `clock`.
    public init(clock: JWTClock = .system) {
        self.clock = clock
    }

    public func revoke(tokenID: String, until: Double) {
        tokens[tokenID] = max(tokens[tokenID] ?? until, until)
        didWrite()
    }

    public func revoke(sessionID: String, until: Double) {
        sessions[sessionID] = max(sessions[sessionID] ?? until, until)
        didWrite()
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) {
        cutoffs[subject] = max(cutoffs[subject] ?? cutoff, cutoff)
    }

    public func spend(refreshTokenID: String, until: Double) -> Bool {
        let now = clock.now
        if let expiry = spent[refreshTokenID], expiry > now { return false }
        spent[refreshTokenID] = until
        didWrite()
        return true
    }

    public func isRevoked(_ query: RevocationQuery) -> Bool {
        let now = clock.now
        if let expiry = tokens[query.tokenID], expiry > now { return true }
        if let sid = query.sessionID, let expiry = sessions[sid], expiry > now { return true }
        if let subject = query.subject, let cutoff = cutoffs[subject] {
            // A token without iat cannot be shown to postdate the cutoff.
            guard let issuedAt = query.issuedAt else { return true }
            if issuedAt < cutoff { return true }
        }
        return false
    }

    /// The number of live entries (revoked tokens, sessions and spent refresh tokens).
    public var count: Int { tokens.count + sessions.count + spent.count }

    /// Forgets entries whose time has passed.
    public func purgeExpired() {
        let now = clock.now
        tokens = tokens.filter { $0.value > now }
        sessions = sessions.filter { $0.value > now }
        spent = spent.filter { $0.value > now }
        writesSincePurge = 0
    }

    private func didWrite() {
        writesSincePurge += 1
        if writesSincePurge >= max(10_000, count / 2) { purgeExpired() }
    }
}
