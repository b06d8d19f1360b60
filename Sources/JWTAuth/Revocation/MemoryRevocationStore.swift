import Synchronization

/// A ``RevocationStore`` in memory, for one process and for tests. Expired entries are purged as it goes.
///
/// A class guarded by a `Mutex` rather than an actor: the check on every request is one dictionary
/// lookup, and an actor would make it two executor hops (and a queue when two requests meet).
public final class MemoryRevocationStore: RevocationStore, SynchronousRevocationStore {
    private struct State {
        var index = RevocationIndex()
        var writesSincePurge = 0

        var count: Int { index.count }

        mutating func purgeExpired(now: Double) {
            index.purge(now: now)
            writesSincePurge = 0
        }

        mutating func didWrite(now: Double) {
            writesSincePurge += 1
            if writesSincePurge >= max(10_000, count / 2) { purgeExpired(now: now) }
        }
    }

    private let clock: JWTClock
    private let state = Mutex(State())

    /// A store reading the time from `clock`.
    public init(clock: JWTClock = .system) {
        self.clock = clock
    }

    public func revoke(tokenID: String, until: Double) async {
        let now = clock.now
        state.withLock { state in
            state.index.revoke(tokenID: tokenID, until: until)
            state.didWrite(now: now)
        }
    }

    public func revoke(sessionID: String, until: Double) async {
        let now = clock.now
        state.withLock { state in
            state.index.revoke(sessionID: sessionID, until: until)
            state.didWrite(now: now)
        }
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) async {
        state.withLock { $0.index.revokeAll(subject: subject, issuedBefore: cutoff) }
    }

    public func isRevoked(_ query: RevocationQuery) async -> Bool {
        isRevokedSynchronously(query)
    }

    package func isRevokedSynchronously(_ query: RevocationQuery) -> Bool {
        let now = clock.now
        return state.withLock { $0.index.isRevoked(query, now: now) }
    }

    /// The number of live entries (revoked tokens, sessions and cutoffs).
    public var count: Int {
        get async { state.withLock { $0.count } }
    }

    /// Forgets entries whose time has passed.
    public func purgeExpired() async {
        let now = clock.now
        state.withLock { $0.purgeExpired(now: now) }
    }
}
