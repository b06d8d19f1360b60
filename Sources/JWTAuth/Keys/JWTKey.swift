import Crypto
import FoundationEssentials
import _CryptoExtras

/// A signing or verification key bound to exactly one algorithm.
///
/// A key never signs or verifies with another algorithm than its own, so an RSA public key can
/// never be taken for an HMAC secret, and a PS256 key never accepts an RS256 signature.
public struct JWTKey: Sendable {
    enum Material: Sendable {
        case hmac(SymmetricKey)
        case rsaPrivate(_RSA.Signing.PrivateKey)
        case rsaPublic(_RSA.Signing.PublicKey)
        case p256Private(P256.Signing.PrivateKey)
        case p256Public(P256.Signing.PublicKey)
        case p384Private(P384.Signing.PrivateKey)
        case p384Public(P384.Signing.PublicKey)
        case p521Private(P521.Signing.PrivateKey)
        case p521Public(P521.Signing.PublicKey)
        case ed25519Private(Curve25519.Signing.PrivateKey)
        case ed25519Public(Curve25519.Signing.PublicKey)
    }

    /// The one algorithm this key signs and verifies with.
    public let algorithm: SigningAlgorithm
    /// The `kid` this key is selected by, if any.
    public let keyID: String?
    let material: Material
    /// What checks signatures, made once with the key: the keyed HMAC, or the public key. For a private key the
    /// public half is derived here rather than for every token checked; for RSA, a newly derived public key also
    /// repeats the Montgomery setup of the modulus on its first use. One reference, so that a decoder reaches it
    /// without copying the key (a retain and release of each of its members, for every token).
    package let signatureCheck: SignatureCheck

    init(material: Material, algorithm: SigningAlgorithm, keyID: String?) throws(JWTAuthError) {
        guard material.fits(algorithm) else {
            throw .invalidKey("A \(material.keyType) key cannot be used with \(algorithm)")
        }
        self.material = material
        self.algorithm = algorithm
        self.keyID = keyID
        self.signatureCheck = SignatureCheck(material, algorithm)
    }

    /// The same key under another `kid`.
    public func withKeyID(_ keyID: String?) -> JWTKey {
        // The material already fits the algorithm.
        try! JWTKey(material: material, algorithm: algorithm, keyID: keyID)
    }

    /// True when this key can sign (an HMAC secret or a private key).
    public var canSign: Bool {
        switch material {
        case .hmac, .rsaPrivate, .p256Private, .p384Private, .p521Private, .ed25519Private: true
        case .rsaPublic, .p256Public, .p384Public, .p521Public, .ed25519Public: false
        }
    }

    /// The public half of an asymmetric key, with the same `kid`; nil for HMAC.
    public var publicKey: JWTKey? {
        if case .hmac = material { return nil }
        return try! JWTKey(material: material.publicHalf, algorithm: algorithm, keyID: keyID)
    }

    /// The JWK `kty` of this key: `oct`, `RSA`, `EC` or `OKP`.
    public var keyType: String { material.keyType }
}

extension JWTKey {
    /// Signs `message` (the JWS signing input).
    public func sign(_ message: [UInt8]) throws(JWTAuthError) -> [UInt8] {
        do {
            switch material {
            case .hmac(let key):
                guard let mac = signatureCheck.mac else { return KeyedMAC(key: key, digestBits: algorithm.digestBits).code(for: message) }
                return mac.code(for: message)
            case .rsaPrivate(let key):
                let padding: _RSA.Signing.Padding = algorithm.family == .rsaPSS ? .PSS : .insecurePKCS1v1_5
                let signature: _RSA.Signing.RSASignature
                switch algorithm.digestBits {
                case 256: signature = try key.signature(for: SHA256.hash(data: message), padding: padding)
                case 384: signature = try key.signature(for: SHA384.hash(data: message), padding: padding)
                default: signature = try key.signature(for: SHA512.hash(data: message), padding: padding)
                }
                return Array(signature.rawRepresentation)
            case .p256Private(let key): return Array(try key.signature(for: message).rawRepresentation)
            case .p384Private(let key): return Array(try key.signature(for: message).rawRepresentation)
            case .p521Private(let key): return Array(try key.signature(for: message).rawRepresentation)
            case .ed25519Private(let key): return Array(try key.signature(for: message))
            case .rsaPublic, .p256Public, .p384Public, .p521Public, .ed25519Public:
                throw JWTAuthError.invalidKey("A public key cannot sign")
            }
        } catch let error as JWTAuthError {
            throw error
        } catch {
            throw .invalidKey("Signing failed")
        }
    }

    /// Checks `signature` over `message` in constant time for HMAC; false for any malformed signature.
    public func verify(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        signature.withUnsafeBytes { signature in message.withUnsafeBytes { signatureCheck.verify(signature, for: $0) } }
    }

    /// The part of a key that checks signatures, in the form verifying uses.
    package final class SignatureCheck: Sendable {
        private let algorithm: SigningAlgorithm
        private let verifier: Verifier

        /// The check of `material`: its keyed HMAC, or its public key.
        init(_ material: Material, _ algorithm: SigningAlgorithm) {
            self.algorithm = algorithm
            self.verifier = Verifier(material, algorithm)
        }

        /// The keyed HMAC of an HMAC key, which signs too.
        var mac: KeyedMAC? {
            if case .hmac(let mac) = verifier { mac } else { nil }
        }

        /// ``JWTKey/verify(_:for:)`` of a signature and message where they already are in memory, e.g. in the token
        /// they were read from.
        package func verify(_ signature: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
            switch verifier {
            case .hmac(let mac): return mac.isValid(signature, for: message)
            case .rsa(let key, let signatureCount):
                // RFC 8017 §8.2.2: the signature is exactly as long as the modulus.
                guard signature.count == signatureCount else { return false }
                return JWTKey.verifyRSA(key, algorithm, signature, message)
            case .p256(let key): return JWTKey.verifyP256(key, signature, message)
            case .p384(let key): return JWTKey.verifyP384(key, signature, message)
            case .p521(let key): return JWTKey.verifyP521(key, signature, message)
            case .ed25519(let key): return signature.count == 64 && key.isValidSignature(signature, for: message)
            }
        }
    }

    /// The key that checks signatures, in the form verifying uses.
    private enum Verifier: Sendable {
        case hmac(KeyedMAC)
        /// The public key, and the length of its signatures: the modulus's length in bytes.
        case rsa(_RSA.Signing.PublicKey, signatureCount: Int)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PublicKey)

        /// The verifier of `material`: its keyed HMAC, or its public key.
        init(_ material: Material, _ algorithm: SigningAlgorithm) {
            switch material {
            case .hmac(let key): self = .hmac(KeyedMAC(key: key, digestBits: algorithm.digestBits))
            case .rsaPublic(let key): self = .rsa(key, signatureCount: (key.keySizeInBits + 7) / 8)
            case .p256Public(let key): self = .p256(key)
            case .p384Public(let key): self = .p384(key)
            case .p521Public(let key): self = .p521(key)
            case .ed25519Public(let key): self = .ed25519(key)
            case .rsaPrivate(let key): self = .rsa(key.publicKey, signatureCount: (key.keySizeInBits + 7) / 8)
            case .p256Private(let key): self = .p256(key.publicKey)
            case .p384Private(let key): self = .p384(key.publicKey)
            case .p521Private(let key): self = .p521(key.publicKey)
            case .ed25519Private(let key): self = .ed25519(key.publicKey)
            }
        }
    }

    fileprivate static func verifyRSA(
        _ key: _RSA.Signing.PublicKey,
        _ algorithm: SigningAlgorithm,
        _ signature: UnsafeRawBufferPointer,
        _ message: UnsafeRawBufferPointer
    ) -> Bool {
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        let padding: _RSA.Signing.Padding = algorithm.family == .rsaPSS ? .PSS : .insecurePKCS1v1_5
        switch algorithm.digestBits {
        case 256: return key.isValidSignature(rsaSignature, for: SHA256.hash(data: message), padding: padding)
        case 384: return key.isValidSignature(rsaSignature, for: SHA384.hash(data: message), padding: padding)
        default: return key.isValidSignature(rsaSignature, for: SHA512.hash(data: message), padding: padding)
        }
    }

    // ECDSA signatures are exactly 2·n bytes (r ‖ s); BoringSSL rejects r or s outside [1, n-1].
    fileprivate static func verifyP256(_ key: P256.Signing.PublicKey, _ signature: some DataProtocol, _ message: some DataProtocol) -> Bool {
        guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    fileprivate static func verifyP384(_ key: P384.Signing.PublicKey, _ signature: some DataProtocol, _ message: some DataProtocol) -> Bool {
        guard let signature = try? P384.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    fileprivate static func verifyP521(_ key: P521.Signing.PublicKey, _ signature: some DataProtocol, _ message: some DataProtocol) -> Bool {
        guard let signature = try? P521.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
        return key.isValidSignature(signature, for: message)
    }
}

extension JWTKey.Material {
    /// The public key of a private key; an HMAC secret or a public key itself.
    var publicHalf: Self {
        switch self {
        case .rsaPrivate(let key): .rsaPublic(key.publicKey)
        case .p256Private(let key): .p256Public(key.publicKey)
        case .p384Private(let key): .p384Public(key.publicKey)
        case .p521Private(let key): .p521Public(key.publicKey)
        case .ed25519Private(let key): .ed25519Public(key.publicKey)
        case .hmac, .rsaPublic, .p256Public, .p384Public, .p521Public, .ed25519Public: self
        }
    }

    var keyType: String {
        switch self {
        case .hmac: "oct"
        case .rsaPrivate, .rsaPublic: "RSA"
        case .p256Private, .p256Public, .p384Private, .p384Public, .p521Private, .p521Public: "EC"
        case .ed25519Private, .ed25519Public: "OKP"
        }
    }

    func fits(_ algorithm: SigningAlgorithm) -> Bool {
        switch self {
        case .hmac: algorithm.family == .hmac
        case .rsaPrivate, .rsaPublic: algorithm.family == .rsa || algorithm.family == .rsaPSS
        case .p256Private, .p256Public: algorithm == .es256
        case .p384Private, .p384Public: algorithm == .es384
        case .p521Private, .p521Public: algorithm == .es512
        case .ed25519Private, .ed25519Public: algorithm == .eddsa
        }
    }

    /// The algorithm a key of this type implies, where there is exactly one.
    var impliedAlgorithm: SigningAlgorithm? {
        switch self {
        case .hmac, .rsaPrivate, .rsaPublic: nil
        case .p256Private, .p256Public: .es256
        case .p384Private, .p384Public: .es384
        case .p521Private, .p521Public: .es512
        case .ed25519Private, .ed25519Public: .eddsa
        }
    }
}
