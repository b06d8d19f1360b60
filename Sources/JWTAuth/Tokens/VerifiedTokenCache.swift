import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Remembers tokens whose asymmetric signature already verified, so that a token presented again costs
/// a dictionary lookup instead of an RSA, ECDSA or EdDSA verification.
///
/// Keyed by the whole token text, so a hit is only ever the very same bytes. Bounded: the oldest entry
/// goes first. A hit never outlives the token's `exp`. A verifier only takes a hit verified by the very
/// key it would use itself (same algorithm and RFC 7638 thumbprint), still allowed, and checks the claims,
/// type, freshness and revocation again on every hit, so a cache shared by several verifiers never changes
/// an answer. Entries added with ``insert(_:_:)`` name no key, and no verifier takes them.
public final class VerifiedTokenCache: Sendable {
    struct Entry {
        var verified: VerifiedToken
        /// The algorithm and thumbprint of the key that verified the token; nil when inserted by hand.
        var verifiedBy: String?
    }

    private struct State {
        var entries: [String: Entry] = [:]
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
        entry(for: token, now: now)?.verified
    }

    /// Remembers a verified token.
    public func insert(_ token: String, _ verified: VerifiedToken) {
        insert(token, Entry(verified: verified, verifiedBy: nil))
    }

    func entry(for token: String, now: Double) -> Entry? {
        state.withLock { state in
            // String equality is canonical equivalence ("\u{212A}" == "K"): only the very same bytes hit.
            guard let index = state.entries.index(forKey: token), Self.sameBytes(state.entries[index].key, token) else {
                return nil
            }
            let entry = state.entries[index].value
            if let exp = entry.verified.claims.expiresAt, exp <= now {
                state.entries.remove(at: index)
                return nil
            }
            return entry
        }
    }

    /// Whether `a` and `b` are the same UTF-8 bytes: one `memcmp` over the strings' own storage.
    private static func sameBytes(_ a: String, _ b: String) -> Bool {
        var (a, b) = (a, b)
        guard a.utf8.count == b.utf8.count else { return false }
        return a.withUTF8 { x in b.withUTF8 { y in x.count == 0 || memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } }
    }

    func insert(_ token: String, _ entry: Entry) {
        state.withLock { state in
            guard state.entries[token] == nil else { return }
            if let evicted = state.order[state.next] { state.entries[evicted] = nil }
            state.order[state.next] = token
            state.next = (state.next + 1) % capacity
            state.entries[token] = entry
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
