import JWTAuth

/// The rules of a ``JWKSClient``'s cache, without I/O: each event changes the state, ``decide(keyID:now:)``
/// says whether a request may use the cached keys or needs a fetch first.
struct JWKSCache: Sendable {
    enum Decision: Equatable {
        /// Use the cached keys.
        case serve
        /// Fetch, then use what the fetch left.
        case fetch
        /// No usable keys and no fetch allowed yet: fail closed.
        case fail
    }

    let cooldown: Double
    let maximumStaleness: Double
    private(set) var keys: JWTKeySet?
    /// Bumped each time ``keys`` is replaced.
    private(set) var generation: UInt64 = 0
    /// The last fetch that gave keys (a document or a 304).
    private(set) var refreshedAt: Double?
    private(set) var lifetime: Double = 0
    private(set) var expiresAt: Double = -.infinity
    private(set) var lastAttempt: Double?
    private(set) var entityTag: String?
    private(set) var lastError: JWTAuthError?

    init(cooldown: Double, maximumStaleness: Double) {
        self.cooldown = cooldown
        self.maximumStaleness = maximumStaleness
    }

    /// What a request for a token with `keyID` should do at `now`.
    func decide(keyID: String?, now: Double) -> Decision {
        let coolingDown = lastAttempt.map { now - $0 < cooldown } ?? false
        guard let keys else { return coolingDown ? .fail : .fetch }
        if now >= expiresAt {
            // Expired: fetch, unless a fetch since expiry failed within the cooldown.
            if let lastAttempt, lastAttempt >= expiresAt, coolingDown { return isUsable(now: now) ? .serve : .fail }
            return .fetch
        }
        if let keyID, keys[keyID: keyID] == nil, !coolingDown { return .fetch }
        return .serve
    }

    /// Whether the cached keys may verify at `now`: fresh, or stale by less than the allowed staleness.
    func isUsable(now: Double) -> Bool {
        keys != nil && now < expiresAt + maximumStaleness
    }

    /// Whether the keys are past their lifetime (the issuer could not be reached since).
    func isStale(now: Double) -> Bool { keys != nil && now >= expiresAt }

    /// When a background refresh should run: at once when nothing was fetched yet, a tenth of the lifetime
    /// (at most 30 s) before expiry, or a cooldown after a failure.
    func nextRefresh(now: Double) -> Double {
        guard keys != nil else { return lastAttempt.map { $0 + cooldown } ?? now }
        if now >= expiresAt { return max(now, (lastAttempt ?? now) + cooldown) }
        return max(now, expiresAt - min(lifetime / 10, 30))
    }

    mutating func fetchStarted(now: Double) {
        lastAttempt = now
    }

    mutating func fetched(_ keys: JWTKeySet, lifetime: Double, entityTag: String?, now: Double) {
        self.keys = keys
        generation += 1
        refreshed(lifetime: lifetime, now: now)
        self.entityTag = entityTag
    }

    /// A 304: the cached keys are current again.
    mutating func notModified(lifetime: Double, now: Double) {
        guard keys != nil else { return }
        refreshed(lifetime: lifetime, now: now)
    }

    mutating func failed(_ error: JWTAuthError) {
        lastError = error
    }

    private mutating func refreshed(lifetime: Double, now: Double) {
        refreshedAt = now
        self.lifetime = lifetime
        expiresAt = now + lifetime
        lastError = nil
    }
}
