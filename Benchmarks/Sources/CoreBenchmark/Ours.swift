import Crypto
import JWTAuth
import _CryptoExtras

/// JWTAuth set up for one algorithm: an issuer, a decoder and verifiers on the public key.
struct Ours: Sendable {
    let issuer: TokenIssuer
    /// `JWTDecoder` requiring `exp`, `sub`, `jti`, `type`: what `TokenVerifier` does minus type and revocation.
    let decoder: JWTDecoder
    /// `TokenVerifier` with its defaults (no cache, no revocation store).
    let verifier: TokenVerifier
    /// The same, with a verified-token cache.
    let cachedVerifier: TokenVerifier
    /// The payload.
    let claims: JWTClaims

    init(_ algorithm: Algorithm, _ material: KeyMaterial, _ payload: PayloadValues) throws {
        let key: JWTKey
        switch algorithm {
        case .hs256: key = try JWTKey.hmac(material.secret)
        case .rs256: key = try JWTKey(pem: material.rsa.pemRepresentation, algorithm: .rs256)
        case .ps256: key = try JWTKey(pem: material.rsa.pemRepresentation, algorithm: .ps256)
        case .es256: key = try JWTKey(pem: material.p256.pemRepresentation)
        case .eddsa: key = try JWTKey(pem: material.ed25519.pemRepresentation)
        }
        let verificationKeys = try JWTKeySet([key.publicKey ?? key])
        issuer = try TokenIssuer(key: key)
        decoder = JWTDecoder(keys: verificationKeys, validation: ClaimsValidation(requiredClaims: ["exp", "sub", "jti", "type"]))
        verifier = try TokenVerifier(keys: verificationKeys)
        cachedVerifier = try TokenVerifier(keys: verificationKeys, cache: VerifiedTokenCache())
        claims = JWTClaims(members: [
            "sub": .string(payload.subject), "iat": .int(payload.now), "nbf": .int(payload.now), "exp": .int(payload.expiresAt),
            "jti": .string(payload.id), "type": .string(payload.type), "fresh": .bool(payload.fresh),
            "roles": .array(payload.roles.map(JSONValue.string)),
        ])
    }

    /// `decoder.decode` at the system clock's time.
    func decode(_ token: String) throws -> VerifiedToken {
        try decoder.decode(token, now: JWTClock.system.now)
    }

    /// The signing input and decoded signature of `token`.
    static func parts(of token: String) throws -> (signingInput: [UInt8], signature: [UInt8]) {
        let parsed = try UnverifiedToken(token)
        return (parsed.signingInput, parsed.signature)
    }
}
