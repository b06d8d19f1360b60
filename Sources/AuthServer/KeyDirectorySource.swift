import Foundation
public import JWTAuth
import Synchronization

/// The verification keys of a ``KeyDirectory``, re-read while the service runs: a key added by
/// `jwt-auth keys rotate` is published at once, a key removed by `jwt-auth keys retire` is refused at once,
/// and a key whose retirement time passed drops out.
///
/// The directory is looked at no more than once per `recheckInterval`; it is re-read when its modification
/// time changes or a retirement falls due.
public final class KeyDirectorySource: JWTKeySource {
    private struct State {
        var snapshot: JWTKeySnapshot
        var checkedAt: Double
        var modified: Date?
        var nextRetirement: Double?
    }

    public let directory: KeyDirectory
    private let clock: JWTClock
    private let recheckInterval: Double
    private let state: Mutex<State>

    /// Reads `directory` now. - Throws: ``KeyDirectoryError``, or `invalid_key` for a directory with no key.
    public init(directory: KeyDirectory, clock: JWTClock = .system, recheckInterval: Duration = .seconds(1)) throws {
        self.directory = directory
        self.clock = clock
        self.recheckInterval = Double(recheckInterval.components.seconds) + Double(recheckInterval.components.attoseconds) * 1e-18
        let now = clock.now
        let modified = directory.modificationTime()
        let contents = try directory.read(now: now)
        let keys = try JWTKeySet(contents.keys.compactMap(\.publicKey))
        guard !keys.keys.isEmpty else { throw JWTAuthError.invalidKey("No key in \(directory.path)") }
        state = Mutex(
            State(snapshot: JWTKeySnapshot(keys: keys, generation: 1), checkedAt: now, modified: modified, nextRetirement: contents.nextRetirement)
        )
    }

    /// The keys as of the last look at the directory.
    public var current: JWTKeySnapshot { state.withLock { $0.snapshot } }

    public func verificationKeys(for keyID: String?) async throws(JWTAuthError) -> JWTKeySnapshot {
        let now = clock.now
        let due = state.withLock { state -> Bool in
            guard now - state.checkedAt >= recheckInterval else { return false }
            state.checkedAt = now
            return true
        }
        if due { reloadIfChanged(now: now) }
        let snapshot = current
        guard !snapshot.keys.keys.isEmpty else { throw .unavailable("No verification key") }
        return snapshot
    }

    /// Re-reads the directory when it changed or a retirement fell due; keeps the last keys when it cannot be read.
    public func reloadIfChanged(now: Double) {
        let modified = directory.modificationTime()
        let unchanged = state.withLock { state in
            state.modified == modified && (state.nextRetirement.map { now < $0 } ?? true)
        }
        if unchanged { return }
        guard let contents = try? directory.read(now: now), let keys = try? JWTKeySet(contents.keys.compactMap(\.publicKey)) else { return }
        state.withLock { state in
            state.snapshot = JWTKeySnapshot(keys: keys, generation: state.snapshot.generation + 1)
            state.modified = modified
            state.nextRetirement = contents.nextRetirement
        }
    }
}
