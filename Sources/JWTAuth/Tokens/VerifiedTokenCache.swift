import Synchronization

/// Remembers tokens whose asymmetric signature already verified, so that a token presented again costs
/// a dictionary lookup instead of an RSA, ECDSA or EdDSA verification.
///
/// Keyed by the whole token text, so a hit is only ever the very same bytes. Bounded: the oldest entry
/// goes first. A hit never outlives the token's `exp`; the verifier still checks times, type,
/// freshness and revocation on every hit, and drops a hit whose key has left the key set.
public final class VerifiedTokenCache: Sendable {
    private struct State {
        var entries: [String: VerifiedToken] = [:]
        var order: [String?] = []
        var next = 0
    }

    /// The most tokens kept.
    public let capacity: Int
    private let state: Mutex<State>

    /// A cache of at most `capacity` tokens. Defaults to 10,000.
    public init(capacity: Int = 10_000) {
        precondition(capacity > 0, "capacity must be positive")
        self.capacity = capacity
        self.state = Mutex(State(order: Array(repeating: nil, count: capacity)))
    }

    /// The cached verification of `token`, if any and not past `exp` at `now`.
    public func lookup(_ token: String, now: Double) -> VerifiedToken? {
        state.withLock { state in
            guard let entry = state.entries[token] else { return nil }
            if let exp = entry.claims.expiresAt, exp <= now {
                state.entries[token] = nil
                return nil
            }
            return entry
        }
    }

    /// Remembers a verified token.
    public func insert(_ token: String, _ verified: VerifiedToken) {
        state.withLock { state in
            guard state.entries[token] == nil else { return }
            if let evicted = state.order[state.next] { state.entries[evicted] = nil }
            state.order[state.next] = token
            state.next = (state.next + 1) % capacity
            state.entries[token] = verified
        }
    }

    /// Forgets every token, e.g. after a key was retired.
    public func removeAll() {
        state.withLock { state in
            state.entries.removeAll()
            state.order = Array(repeating: nil, count: capacity)
            state.next = 0
        }
    }

    /// The number of tokens cached.
    public var count: Int { state.withLock { $0.entries.count } }
}
