package import JWTAuth
import Synchronization

/// A revocation store whose every call fails, as an unreachable database or Redis would (its error's text names
/// a host, which no answer or log line may show).
package struct FailingRevocationStore: RevocationStore {
    package struct Unreachable: Error, CustomStringConvertible {
        package var description: String { "connection refused: redis://secret-host:6379" }
    }

    package init() {}

    package func revoke(tokenID: String, until: Double) async throws { throw Unreachable() }
    package func revoke(sessionID: String, until: Double) async throws { throw Unreachable() }
    package func revokeAll(subject: String, issuedBefore cutoff: Double) async throws { throw Unreachable() }
    package func spend(refreshTokenID: String, until: Double) async throws -> Bool { throw Unreachable() }
    package func isRevoked(_ query: RevocationQuery) async throws -> Bool { throw Unreachable() }
}

/// A key source that offers a fixed set of keys, counting the times it was asked; with `immediately`, it also has
/// them at hand (``JWTKeySource/verificationKeysImmediately(for:)``), as a rotating source does between looks.
package final class FixedKeySource: JWTKeySource {
    package let keys: JWTKeySet
    package let immediately: Bool
    private let asked = Mutex((waiting: 0, immediately: 0))

    package init(_ keys: JWTKeySet, immediately: Bool = false) {
        self.keys = keys
        self.immediately = immediately
    }

    /// How many times the source was asked for keys, either way.
    package var timesAsked: Int { asked.withLock { $0.waiting + $0.immediately } }
    /// How many times ``verificationKeys(for:)``, which may wait, was called.
    package var timesAwaited: Int { asked.withLock { $0.waiting } }

    package func verificationKeys(for keyID: String?) async throws(JWTAuthError) -> JWTKeySnapshot {
        asked.withLock { $0.waiting += 1 }
        return JWTKeySnapshot(keys: keys, generation: 1)
    }

    package func verificationKeysImmediately(for keyID: () -> String?) -> JWTKeySnapshot? {
        guard immediately else { return nil }
        asked.withLock { $0.immediately += 1 }
        return JWTKeySnapshot(keys: keys, generation: 1)
    }
}
