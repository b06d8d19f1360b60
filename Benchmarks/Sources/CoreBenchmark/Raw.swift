import Crypto
import FoundationEssentials
import _CryptoExtras

/// The swift-crypto primitive of one algorithm, on the JWS signing input, with nothing around it.
struct Raw: Sendable {
    enum Key: Sendable {
        case hmac(SymmetricKey)
        case rsa(_RSA.Signing.PrivateKey, _RSA.Signing.PublicKey, pss: Bool)
        case p256(P256.Signing.PrivateKey, P256.Signing.PublicKey)
        case ed25519(Curve25519.Signing.PrivateKey, Curve25519.Signing.PublicKey)
    }

    let key: Key

    init(_ algorithm: Algorithm, _ material: KeyMaterial) {
        switch algorithm {
        case .hs256: key = .hmac(SymmetricKey(data: material.secret))
        case .rs256: key = .rsa(material.rsa, material.rsa.publicKey, pss: false)
        case .ps256: key = .rsa(material.rsa, material.rsa.publicKey, pss: true)
        case .es256: key = .p256(material.p256, material.p256.publicKey)
        case .eddsa: key = .ed25519(material.ed25519, material.ed25519.publicKey)
        }
    }

    /// Signs `input`; returns the signature's length.
    func sign(_ input: [UInt8]) throws -> Int {
        switch key {
        case .hmac(let key):
            return HMAC<SHA256>.authenticationCode(for: input, using: key).byteCount
        case .rsa(let key, _, let pss):
            return try key.signature(for: SHA256.hash(data: input), padding: pss ? .PSS : .insecurePKCS1v1_5).rawRepresentation.count
        case .p256(let key, _):
            return try key.signature(for: input).rawRepresentation.count
        case .ed25519(let key, _):
            return try key.signature(for: input).count
        }
    }

    /// Checks `signature` (already base64url-decoded) over `input`.
    func verify(_ signature: [UInt8], _ input: [UInt8]) -> Bool {
        switch key {
        case .hmac(let key):
            return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: input, using: key)
        case .rsa(_, let key, let pss):
            let signature = _RSA.Signing.RSASignature(rawRepresentation: signature)
            return key.isValidSignature(signature, for: SHA256.hash(data: input), padding: pss ? .PSS : .insecurePKCS1v1_5)
        case .p256(_, let key):
            guard let signature = try? P256.Signing.ECDSASignature(rawRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: input)
        case .ed25519(_, let key):
            return key.isValidSignature(signature, for: input)
        }
    }
}
