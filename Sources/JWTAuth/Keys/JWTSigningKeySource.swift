/// A key source that also says which key signs: an issuer's own rotated keys, so that a running issuer signs
/// with the key made current while it runs.
public protocol JWTSigningKeySource: JWTKeySource {
    /// The current keys, with ``JWTKeySnapshot/signingKey`` set when the source holds the current private key.
    ///
    /// Called for every token issued: it must be cheap (no I/O except an occasional, rate-limited re-check).
    /// - Throws: `unavailable` when the source has no keys to offer (fail closed).
    func signingSnapshot() async throws(JWTAuthError) -> JWTKeySnapshot
}
