import Synchronization

/// The keys of a ``KeyStore``, re-read while the application runs: a key made current by a rotation
/// (``KeyStore/rotate(algorithm:)``, `jwt-auth keys rotate`) signs from then on and verifies, a retired key is
/// refused, and a key whose retirement time passed drops out, each within `recheckInterval`, no restart.
///
/// Give it to a `JWTManager` as its key source: it verifies with the store's keys (public halves) and issues
/// with the current private key.
///
/// ```swift
/// let keys = try await RotatingKeySource(store: KeyDirectory(path: "data/keys"), signingWith: .es256, configuration: tokens)
/// ```
///
/// The store is looked at no more than once per `recheckInterval`, by the first request after it falls due
/// (requests arriving meanwhile wait for that look); it is read only when its change marker changed or a
/// retirement fell due. Between looks a request costs a clock read and a lock. When the store cannot be read,
/// the last keys stay, and until a look succeeds again requests no longer wait for one.
///
/// Keys that stopped being current get their retirement time when the source sees them: `retirementDelay`
/// after that (see ``retirementDelay(for:recheckInterval:)``), since it may have signed with them until then.
public final class RotatingKeySource: JWTSigningKeySource {
    private struct State {
        var snapshot: JWTKeySnapshot
        var checkedAt: Double
        var marker: String?
        var nextRetirement: Double?
        var look: Task<Void, Never>?
        /// Whether the last look at the store failed: then requests do not wait for the next one.
        var lastLookFailed = false
    }

    /// The store the keys come from.
    public let store: any KeyStore
    private let clock: JWTClock
    private let recheckInterval: Double
    private let retirementDelay: Double?
    private let state: Mutex<State>

    /// Reads `store` now; with a `retirementDelay`, first stamps the keys that are not current with their
    /// retirement time. Defaults to the system clock, a look every second, and no stamping.
    /// - Throws: the store's errors, or `invalid_key` for a store with no key.
    public init(
        store: any KeyStore,
        clock: JWTClock = .system,
        recheckInterval: Duration = .seconds(1),
        retirementDelay: Duration? = nil
    ) async throws {
        self.store = store
        self.clock = clock
        self.recheckInterval = recheckInterval.seconds
        self.retirementDelay = retirementDelay.map(\.seconds)
        let now = clock.now
        if let retirementDelay {
            try await store.stampRetirements(at: now + retirementDelay.seconds)
        }
        let marker = try await store.changeMarker()
        let contents = try await store.read(now: now)
        let snapshot = try Self.snapshot(contents, generation: 1)
        guard !snapshot.keys.keys.isEmpty else { throw JWTAuthError.invalidKey("No key in \(store.location)") }
        state = Mutex(State(snapshot: snapshot, checkedAt: now, marker: marker, nextRetirement: contents.nextRetirement))
    }

    /// The keys as of the last look at the store.
    public var current: JWTKeySnapshot { state.withLock { $0.snapshot } }

    public func verificationKeys(for keyID: String?) async throws(JWTAuthError) -> JWTKeySnapshot {
        try await checked()
    }

    public func signingSnapshot() async throws(JWTAuthError) -> JWTKeySnapshot {
        try await checked()
    }

    /// The current keys, unless a look at the store is due or under way (then nil: ``verificationKeys(for:)`` waits for
    /// it), or there are none. Between looks, a clock read and a lock; the `kid` is not read, since every key of the
    /// store is offered whatever the token names.
    public func verificationKeysImmediately(for keyID: () -> String?) -> JWTKeySnapshot? {
        let now = clock.now
        return state.withLock { state in
            // As ``checked()`` decides: a look under way is waited for unless the last one failed; a look falls due
            // once `recheckInterval` has passed.
            if state.look != nil, !state.lastLookFailed { return nil }
            guard state.look != nil || now - state.checkedAt < recheckInterval, !state.snapshot.keys.keys.isEmpty else { return nil }
            return state.snapshot
        }
    }

    private func checked() async throws(JWTAuthError) -> JWTKeySnapshot {
        let now = clock.now
        let look = state.withLock { state -> Task<Void, Never>? in
            if let look = state.look { return state.lastLookFailed ? nil : look }
            guard now - state.checkedAt >= recheckInterval else { return nil }
            state.checkedAt = now
            let look = Task {
                let succeeded = await self.reloadIfChanged(now: now)
                self.state.withLock {
                    $0.look = nil
                    $0.lastLookFailed = !succeeded
                }
            }
            state.look = look
            // While the store is unreachable, requests go on with the last keys rather than each waiting
            // out the store's deadline; the look goes on in the background.
            return state.lastLookFailed ? nil : look
        }
        if let look { await look.value }
        let snapshot = current
        guard !snapshot.keys.keys.isEmpty else { throw .unavailable("No verification key") }
        return snapshot
    }

    /// Re-reads the store when it changed or a retirement fell due, stamping the retirement of keys that
    /// stopped being current; keeps the last keys when the store cannot be read (and returns false).
    @discardableResult
    public func reloadIfChanged(now: Double) async -> Bool {
        guard let marker = try? await store.changeMarker() else { return false }
        let unchanged = state.withLock { state in
            state.marker == marker && (state.nextRetirement.map { now < $0 } ?? true)
        }
        if unchanged { return true }
        guard var contents = try? await store.read(now: now) else { return false }
        if let retirementDelay, contents.retirements.values.contains(where: { $0 == nil }) {
            try? await store.stampRetirements(at: now + retirementDelay)
            if let stamped = try? await store.read(now: now) { contents = stamped }
        }
        state.withLock { state in
            guard let snapshot = try? Self.snapshot(contents, generation: state.snapshot.generation + 1) else { return }
            state.snapshot = snapshot
            state.marker = marker
            state.nextRetirement = contents.nextRetirement
        }
        return true
    }

    /// The public halves, and the current key when the store holds its private key.
    private static func snapshot(_ contents: KeyStoreContents, generation: UInt64) throws(JWTAuthError) -> JWTKeySnapshot {
        JWTKeySnapshot(keys: try JWTKeySet(contents.keys.compactMap(\.publicKey)), generation: generation, signingKey: contents.signingKey)
    }
}
