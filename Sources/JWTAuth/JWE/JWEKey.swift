import Crypto
import FoundationEssentials
import _CryptoExtras

/// An encryption key bound to one key management algorithm and to the content encryption algorithms it accepts.
///
/// A key never decrypts a token whose `alg` is not its own or whose `enc` it does not accept, so a token cannot
/// choose how it is decrypted. Symmetric keys (`oct`) serve `dir`, `A128KW` and `A256KW`; EC keys (P-256, P-384,
/// P-521) and X25519 keys serve the `ECDH-ES` family; RSA keys (2048 bits or more) serve `RSA-OAEP` and `RSA-OAEP-256`.
public struct JWEKey: Sendable {
    enum Material: Sendable {
        case symmetric(SymmetricKey)
        case rsaPrivate(RSAPrivateKey)
        case rsaPublic(RSAPublicKey)
        case p256Private(P256.KeyAgreement.PrivateKey)
        case p256Public(P256.KeyAgreement.PublicKey)
        case p384Private(P384.KeyAgreement.PrivateKey)
        case p384Public(P384.KeyAgreement.PublicKey)
        case p521Private(P521.KeyAgreement.PrivateKey)
        case p521Public(P521.KeyAgreement.PublicKey)
        case x25519Private(Curve25519.KeyAgreement.PrivateKey)
        case x25519Public(Curve25519.KeyAgreement.PublicKey)
    }

    /// The one key management algorithm (`alg`) this key works with.
    public let algorithm: KeyManagementAlgorithm
    /// The content encryption algorithm (`enc`) used when encrypting.
    public let encryption: ContentEncryptionAlgorithm
    /// The content encryption algorithms accepted when decrypting; always holds ``encryption``.
    public let acceptedEncryptions: Set<ContentEncryptionAlgorithm>
    /// The `kid` this key is selected by, if any.
    public let keyID: String?
    let material: Material

    init(
        material: Material,
        algorithm: KeyManagementAlgorithm,
        encryption: ContentEncryptionAlgorithm,
        acceptedEncryptions: Set<ContentEncryptionAlgorithm> = [],
        keyID: String?
    ) throws(JWTAuthError) {
        let accepted = acceptedEncryptions.union([encryption])
        switch (material, algorithm.kind) {
        case (.symmetric(let key), .direct):
            guard let wrong = accepted.first(where: { $0.keyByteCount != key.bitCount / 8 }) else { break }
            throw .invalidKey("A \(key.bitCount / 8)-byte key cannot be used with dir and \(wrong)")
        case (.symmetric(let key), .keyWrap(let count)):
            guard key.bitCount / 8 != count else { break }
            throw .invalidKey("\(algorithm) needs a \(count)-byte key, not \(key.bitCount / 8) bytes")
        case (.rsaPrivate, .rsaOAEP), (.rsaPublic, .rsaOAEP): break
        case (.symmetric, _), (.rsaPrivate, _), (.rsaPublic, _): throw .invalidKey("A \(material.keyType) key cannot be used with \(algorithm)")
        case (_, .keyAgreement): break
        default: throw .invalidKey("A \(material.keyType) key cannot be used with \(algorithm)")
        }
        self.material = material
        self.algorithm = algorithm
        self.encryption = encryption
        self.acceptedEncryptions = accepted
        self.keyID = keyID
    }

    /// A symmetric key: the content encryption key itself for `dir` (16, 32 or 64 bytes, as `encryption`
    /// needs), or the key-encryption key for `A128KW` (16 bytes) and `A256KW` (32 bytes).
    ///
    /// `encryption` defaults to `A128GCM`, `A256GCM` or `A256CBC-HS512` for a 16, 32 or 64-byte `dir` key,
    /// and to `A256GCM` otherwise. - Throws: `invalid_key` for a length that does not fit.
    public static func symmetric(
        _ bytes: some Collection<UInt8>,
        algorithm: KeyManagementAlgorithm = .dir,
        encryption: ContentEncryptionAlgorithm? = nil,
        keyID: String? = nil
    ) throws(JWTAuthError) -> JWEKey {
        let bytes = Array(bytes)
        let chosen = encryption ?? (algorithm == .dir ? ContentEncryptionAlgorithm.direct(forKeyOf: bytes.count) : nil) ?? .a256GCM
        return try JWEKey(material: .symmetric(SymmetricKey(data: bytes)), algorithm: algorithm, encryption: chosen, keyID: keyID)
    }

    /// A new random key for `algorithm`: a symmetric key of the right length, an EC or X25519 key on `curve`
    /// (`P-256` by default) for the ECDH-ES family, a 2048-bit RSA key for RSA-OAEP.
    public static func generate(
        _ algorithm: KeyManagementAlgorithm,
        encryption: ContentEncryptionAlgorithm = .a256GCM,
        curve: String = "P-256",
        keyID: String? = nil
    ) throws(JWTAuthError) -> JWEKey {
        let material: Material
        switch algorithm.kind {
        case .direct: material = .symmetric(SymmetricKey(size: .init(bitCount: encryption.keyByteCount * 8)))
        case .keyWrap(let count): material = .symmetric(SymmetricKey(size: .init(bitCount: count * 8)))
        case .rsaOAEP:
            guard let key = try? _RSA.Encryption.PrivateKey(keySize: .bits2048) else { throw .invalidKey("RSA key generation failed") }
            material = .rsaPrivate(RSAPrivateKey(key: key))
        case .keyAgreement:
            switch curve {
            case "P-256": material = .p256Private(P256.KeyAgreement.PrivateKey())
            case "P-384": material = .p384Private(P384.KeyAgreement.PrivateKey())
            case "P-521": material = .p521Private(P521.KeyAgreement.PrivateKey())
            case "X25519": material = .x25519Private(Curve25519.KeyAgreement.PrivateKey())
            default: throw .invalidKey("Unsupported curve \(curve)")
            }
        }
        return try JWEKey(material: material, algorithm: algorithm, encryption: encryption, keyID: keyID)
    }

    /// The same key under another `kid`.
    public func withKeyID(_ keyID: String?) -> JWEKey {
        // The material already fits the algorithms.
        try! JWEKey(material: material, algorithm: algorithm, encryption: encryption, acceptedEncryptions: acceptedEncryptions, keyID: keyID)
    }

    /// The same key, encrypting with `encryption` and accepting `accepted` as well.
    /// - Throws: `invalid_key` when a `dir` key's length does not fit one of them.
    public func encrypting(
        with encryption: ContentEncryptionAlgorithm,
        accepting accepted: Set<ContentEncryptionAlgorithm> = []
    ) throws(JWTAuthError)
        -> JWEKey
    {
        try JWEKey(material: material, algorithm: algorithm, encryption: encryption, acceptedEncryptions: accepted, keyID: keyID)
    }

    /// True when this key can decrypt (a symmetric or private key).
    public var canDecrypt: Bool {
        switch material {
        case .symmetric, .rsaPrivate, .p256Private, .p384Private, .p521Private, .x25519Private: true
        case .rsaPublic, .p256Public, .p384Public, .p521Public, .x25519Public: false
        }
    }

    /// The public half of an asymmetric key, with the same `kid` and algorithms; nil for a symmetric key.
    public var publicKey: JWEKey? {
        let material: Material
        switch self.material {
        case .symmetric: return nil
        case .rsaPrivate(let key): material = .rsaPublic(RSAPublicKey(key: key.key.publicKey))
        case .p256Private(let key): material = .p256Public(key.publicKey)
        case .p384Private(let key): material = .p384Public(key.publicKey)
        case .p521Private(let key): material = .p521Public(key.publicKey)
        case .x25519Private(let key): material = .x25519Public(key.publicKey)
        case .rsaPublic, .p256Public, .p384Public, .p521Public, .x25519Public: material = self.material
        }
        return try! JWEKey(material: material, algorithm: algorithm, encryption: encryption, acceptedEncryptions: acceptedEncryptions, keyID: keyID)
    }

    /// The JWK `kty` of this key: `oct`, `RSA`, `EC` or `OKP`.
    public var keyType: String { material.keyType }
}

/// swift-crypto's RSA encryption keys are immutable wrappers of a BoringSSL key, as its RSA signing keys are,
/// which are `Sendable`; they only lack the annotation. Nothing mutates the key after it is made.
struct RSAPrivateKey: @unchecked Sendable {
    let key: _RSA.Encryption.PrivateKey
}

/// See ``RSAPrivateKey``.
struct RSAPublicKey: @unchecked Sendable {
    let key: _RSA.Encryption.PublicKey
}

extension JWEKey.Material {
    var keyType: String {
        switch self {
        case .symmetric: "oct"
        case .rsaPrivate, .rsaPublic: "RSA"
        case .p256Private, .p256Public, .p384Private, .p384Public, .p521Private, .p521Public: "EC"
        case .x25519Private, .x25519Public: "OKP"
        }
    }

    /// The JWK `crv` of an EC or OKP key.
    var curveName: String? {
        switch self {
        case .p256Private, .p256Public: "P-256"
        case .p384Private, .p384Public: "P-384"
        case .p521Private, .p521Public: "P-521"
        case .x25519Private, .x25519Public: "X25519"
        default: nil
        }
    }
}
