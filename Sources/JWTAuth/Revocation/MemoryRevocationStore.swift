/// A ``RevocationStore`` in memory, for one process and for tests. Expired entries are purged as it goes.
public actor MemoryRevocationStore: RevocationStore {
    private let clock: JWTClock
    private var index = RevocationIndex()
    private var spent: [String: Double] = [:]
    private var writesSincePurge = 0

    /// A store reading the time from `clock`.
    public init(clock: JWTClock = .system) {
        self.clock = clock
    }

    public func revoke(tokenID: String, until: Double) {
        index.revoke(tokenID: tokenID, until: until)
        didWrite()
    }

    public func revoke(sessionID: String, until: Double) {
        index.revoke(sessionID: sessionID, until: until)
        didWrite()
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) {
        index.revokeAll(subject: subject, issuedBefore: cutoff)
    }

    public func spend(refreshTokenID: String, until: Double) -> Bool {
        let now = clock.now
        if let expiry = spent[refreshTokenID], expiry > now { return false }
        spent[refreshTokenID] = until
        didWrite()
        return true
    }

    public func isRevoked(_ query: RevocationQuery) -> Bool {
        index.isRevoked(query, now: clock.now)
    }

    /// The number of live entries (revoked tokens, sessions, cutoffs and spent refresh tokens).
    public var count: Int { index.count + spent.count }

    /// Forgets entries whose time has passed.
    public func purgeExpired() {
        let now = clock.now
        index.purge(now: now)
        spent = spent.filter { $0.value > now }
        writesSincePurge = 0
    }

    private func didWrite() {
        writesSincePurge += 1
        if writesSincePurge >= max(10_000, count / 2) { purgeExpired() }
    }
}
