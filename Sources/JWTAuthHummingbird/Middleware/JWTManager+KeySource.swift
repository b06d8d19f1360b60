public import JWTAuth
import Synchronization

extension JWTManager {
    /// The verifier for `token`: ``verifier`` itself, or with a ``keySource``, ``verifier`` with the keys the
    /// source offers for the token's `kid` (rebuilt only when the source's generation changes).
    /// - Throws: `invalid_token` for a token whose header cannot be read, `unavailable` when the source has no keys.
    public func verifier(for token: String) async throws(JWTAuthError) -> TokenVerifier {
        guard let keySource else { return verifier }
        let header = try UnverifiedToken(token, maximumSize: verifier.decoder.maximumTokenSize).header
        let snapshot = try await keySource.verificationKeys(for: header.keyID)
        return try sourcedVerifier.verifier(for: snapshot, base: verifier)
    }
}

/// The last verifier built from a key source's snapshot, shared by the copies of a ``JWTManager``.
final class SourcedVerifier: Sendable {
    private let latest = Mutex<(generation: UInt64, verifier: TokenVerifier)?>(nil)

    func verifier(for snapshot: JWTKeySnapshot, base: TokenVerifier) throws(JWTAuthError) -> TokenVerifier {
        if let cached = latest.withLock({ $0 }), cached.generation == snapshot.generation { return cached.verifier }
        let made = try base.replacingKeys(snapshot.keys)
        latest.withLock { current in
            if current.map({ $0.generation < snapshot.generation }) ?? true { current = (snapshot.generation, made) }
        }
        return made
    }
}
