package import JWTAuth
import Synchronization

/// The last issuer built from a signing key source's snapshot, shared by the copies of an adapter's manager.
package final class SourcedIssuer: Sendable {
    private let latest = Mutex<(generation: UInt64, baseKeyID: String?, issuer: TokenIssuer)?>(nil)

    package init() {}

    /// The issuer to sign with now: `base` itself, or with a `source` that is a `JWTSigningKeySource` offering a
    /// signing key, `base` with that key (its configuration, clock, claims provider and encryption kept; rebuilt only when the
    /// source's generation changes).
    /// - Throws: `unavailable` when the source has no keys.
    package func issuer(basedOn base: TokenIssuer, source: (any JWTKeySource)?) async throws(JWTAuthError) -> TokenIssuer {
        guard let source = source as? any JWTSigningKeySource else { return base }
        let snapshot = try await source.signingSnapshot()
        guard let key = snapshot.signingKey, key.keyID != base.key.keyID || key.algorithm != base.key.algorithm else { return base }
        return try issuer(for: snapshot, key: key, base: base)
    }

    private func issuer(for snapshot: JWTKeySnapshot, key: JWTKey, base: TokenIssuer) throws(JWTAuthError) -> TokenIssuer {
        if let cached = latest.withLock({ $0 }), cached.generation == snapshot.generation, cached.baseKeyID == base.key.keyID {
            return cached.issuer
        }
        let made = try TokenIssuer(
            key: key,
            configuration: base.configuration,
            clock: base.clock,
            claimsProvider: base.claimsProvider,
            encryptingTo: base.encryptionKey
        )
        latest.withLock { current in
            if current.map({ $0.generation <= snapshot.generation }) ?? true { current = (snapshot.generation, base.key.keyID, made) }
        }
        return made
    }
}

/// The last verifier built from a key source's snapshot, shared by the copies of an adapter's manager.
package final class SourcedVerifier: Sendable {
    private let latest = Mutex<(generation: UInt64, verifier: TokenVerifier)?>(nil)

    package init() {}

    /// The verifier for `token`: `base` itself, or with a `source`, `base` with the keys the source offers for the
    /// token's `kid` (rebuilt only when the source's generation changes).
    /// - Throws: `invalid_token` for a token whose header cannot be read, `unavailable` when the source has no keys.
    package func verifier(for token: String, source: (any JWTKeySource)?, base: TokenVerifier) async throws(JWTAuthError) -> TokenVerifier {
        guard let source else { return base }
        // For a nested token, the kid is the signed token's, inside the encryption.
        let header = try base.signedHeader(of: token)
        let snapshot = try await source.verificationKeys(for: header.keyID)
        return try verifier(for: snapshot, base: base)
    }

    /// `token` decoded (``TokenVerifier/decode(_:as:requireFresh:)``) by ``verifier(for:source:base:)``'s verifier,
    /// a nested token decrypted once, not once for its `kid` and again to verify it.
    package func decode(
        _ token: String,
        source: (any JWTKeySource)?,
        base: TokenVerifier,
        as type: TokenType?,
        requireFresh: Bool = false
    ) async throws(JWTAuthError) -> VerifiedToken {
        guard let source else { return try base.decode(token, as: type, requireFresh: requireFresh) }
        let signed = try base.signedToken(of: token)
        let snapshot = try await source.verificationKeys(for: signed.header.keyID)
        return try verifier(for: snapshot, base: base).decode(token, signed: signed.token, as: type, requireFresh: requireFresh)
    }

    /// ``decode(_:source:base:as:requireFresh:)`` without suspending, when the source has the token's keys at hand
    /// (``JWTKeySource/verificationKeysImmediately(for:)``); nil, having decided nothing, when it must be awaited.
    package func decodeImmediately(
        _ token: String,
        source: (any JWTKeySource)?,
        base: TokenVerifier,
        as type: TokenType?,
        requireFresh: Bool = false
    ) throws(JWTAuthError) -> VerifiedToken? {
        guard let source else { return try base.decode(token, as: type, requireFresh: requireFresh) }
        // The header is read only if the source asks for the kid (and kept for the decoding). A header that cannot be
        // read is refused by the decoding with the error the awaiting path gives before it asks the source.
        var signed: (header: JWSHeader, token: String)?
        let snapshot = source.verificationKeysImmediately {
            signed = try? base.signedToken(of: token)
            return signed?.header.keyID
        }
        guard let snapshot else { return nil }
        return try verifier(for: snapshot, base: base).decode(token, signed: signed?.token, as: type, requireFresh: requireFresh)
    }

    private func verifier(for snapshot: JWTKeySnapshot, base: TokenVerifier) throws(JWTAuthError) -> TokenVerifier {
        if let cached = latest.withLock({ $0 }), cached.generation == snapshot.generation { return cached.verifier }
        let made = try base.replacingKeys(snapshot.keys)
        latest.withLock { current in
            if current.map({ $0.generation < snapshot.generation }) ?? true { current = (snapshot.generation, made) }
        }
        return made
    }
}
