import Crypto
import _CryptoExtras

/// The one set of keys that JWTAuth, jwt-kit and the raw primitives all use.
struct KeyMaterial: Sendable {
    /// 32 random bytes, the first with its high bit set so it can never look like a PEM or JWK.
    let secret: [UInt8]
    let rsa: _RSA.Signing.PrivateKey
    let p256: P256.Signing.PrivateKey
    let ed25519: Curve25519.Signing.PrivateKey

    static func generate() throws -> KeyMaterial {
        var secret = SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        secret[0] |= 0x80
        return KeyMaterial(
            secret: secret,
            rsa: try _RSA.Signing.PrivateKey(keySize: .bits2048),
            p256: P256.Signing.PrivateKey(),
            ed25519: Curve25519.Signing.PrivateKey()
        )
    }
}

/// The algorithms measured.
enum Algorithm: String, CaseIterable, Sendable {
    case hs256 = "HS256"
    case rs256 = "RS256"
    case ps256 = "PS256"
    case es256 = "ES256"
    case eddsa = "EdDSA"
}

/// The claims of the benchmark token, as the issue gives them:
/// `{"sub":"user-42","iat":now,"nbf":now,"exp":now+900,"jti":<uuid>,"type":"access","fresh":false,"roles":["user","admin"]}`.
struct PayloadValues: Sendable {
    let subject = "user-42"
    let now: Int64
    let expiresAt: Int64
    let id: String
    let type = "access"
    let fresh = false
    let roles = ["user", "admin"]

    init(now: Int64, id: String) {
        self.now = now
        self.expiresAt = now + 900
        self.id = id
    }
}
