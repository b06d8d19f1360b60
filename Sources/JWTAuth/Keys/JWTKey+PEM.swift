import Crypto
import FoundationEssentials
import _CryptoExtras

extension JWTKey {
    /// A key from PEM: PKCS#8 or SEC1 private keys, SPKI public keys, PKCS#1 RSA keys.
    ///
    /// EC and Ed25519 keys imply their algorithm; RSA keys take `algorithm` (RS256 when nil).
    /// - Throws: `invalid_key` for anything else, including RSA keys under 2048 bits or with the ROCA flaw.
    public init(pem: String, algorithm: SigningAlgorithm? = nil, keyID: String? = nil) throws(JWTAuthError) {
        guard let material = Self.material(pem: pem) else {
            throw .invalidKey("Not a supported PEM key (PKCS#8, SEC1, SPKI or PKCS#1; RSA of 2048 bits or more)")
        }
        switch material {
        case .rsaPrivate(let key): try Self.rejectROCA(key.publicKey)
        case .rsaPublic(let key): try Self.rejectROCA(key)
        default: break
        }
        try self.init(material: material, algorithm: algorithm ?? material.impliedAlgorithm ?? .rs256, keyID: keyID)
    }

    private static func material(pem: String) -> Material? {
        var pem = String(pem.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        // RFC 7468 §5.2: text before the encapsulation boundary (a comment, the service's `alg:` line) is
        // allowed and ignored, as OpenSSL does.
        if let begin = pem.firstRange(of: "-----BEGIN "), begin.lowerBound != pem.startIndex {
            pem = String(pem[begin.lowerBound...])
        }
        let label = pem.prefix { $0 != "\n" && $0 != "\r" }
        if label.contains("PRIVATE KEY") {
            if label.contains("RSA"), let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) { return .rsaPrivate(key) }
            if let key = try? P256.Signing.PrivateKey(pemRepresentation: pem) { return .p256Private(key) }
            if let key = try? P384.Signing.PrivateKey(pemRepresentation: pem) { return .p384Private(key) }
            if let key = try? P521.Signing.PrivateKey(pemRepresentation: pem) { return .p521Private(key) }
            if let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) { return .ed25519Private(key) }
            if let key = try? _RSA.Signing.PrivateKey(pemRepresentation: pem) { return .rsaPrivate(key) }
        } else if label.contains("PUBLIC KEY") {
            if label.contains("RSA"), let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) { return .rsaPublic(key) }
            if let key = try? P256.Signing.PublicKey(pemRepresentation: pem) { return .p256Public(key) }
            if let key = try? P384.Signing.PublicKey(pemRepresentation: pem) { return .p384Public(key) }
            if let key = try? P521.Signing.PublicKey(pemRepresentation: pem) { return .p521Public(key) }
            if let key = try? Curve25519.Signing.PublicKey(pemRepresentation: pem) { return .ed25519Public(key) }
            if let key = try? _RSA.Signing.PublicKey(pemRepresentation: pem) { return .rsaPublic(key) }
        }
        return nil
    }

    /// The PEM of this key: PKCS#8 for private keys, SPKI for public keys; nil for HMAC.
    public var pemRepresentation: String? {
        switch material {
        case .hmac: nil
        case .rsaPrivate(let key): key.pkcs8PEMRepresentation
        case .rsaPublic(let key): key.pemRepresentation
        case .p256Private(let key): key.pemRepresentation
        case .p256Public(let key): key.pemRepresentation
        case .p384Private(let key): key.pemRepresentation
        case .p384Public(let key): key.pemRepresentation
        case .p521Private(let key): key.pemRepresentation
        case .p521Public(let key): key.pemRepresentation
        case .ed25519Private(let key): key.pemRepresentation
        case .ed25519Public(let key): key.pemRepresentation
        }
    }

    /// A new random key for `algorithm`: a 64-byte secret for HMAC, RSA 2048, or the algorithm's curve.
    public static func generate(_ algorithm: SigningAlgorithm, keyID: String? = nil) throws(JWTAuthError) -> JWTKey {
        let material: Material
        switch algorithm.family {
        case .hmac: material = .hmac(SymmetricKey(size: .init(bitCount: 512)))
        case .rsa, .rsaPSS:
            guard let key = try? _RSA.Signing.PrivateKey(keySize: .bits2048) else { throw .invalidKey("RSA key generation failed") }
            material = .rsaPrivate(key)
        case .eddsa: material = .ed25519Private(Curve25519.Signing.PrivateKey())
        default:
            switch algorithm {
            case .es256: material = .p256Private(P256.Signing.PrivateKey())
            case .es384: material = .p384Private(P384.Signing.PrivateKey())
            default: material = .p521Private(P521.Signing.PrivateKey())
            }
        }
        return try JWTKey(material: material, algorithm: algorithm, keyID: keyID)
    }

    /// The raw secret of an HMAC key, for writing it out; nil for other keys.
    public var secretBytes: [UInt8]? {
        guard case .hmac(let key) = material else { return nil }
        return key.withUnsafeBytes { Array($0) }
    }
}
