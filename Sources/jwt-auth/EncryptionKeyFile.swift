import FoundationEssentials
import JWTAuth

/// The encryption keys a file gives (`--key` of `token encrypt` and `token decrypt`, `--decrypt-key` of
/// `token verify`): a PEM (RSA or EC), a JWK, a JWK Set, or a raw symmetric key (`dir`).
enum EncryptionKeyFile {
    /// The keys of `path` (`-` for standard input), bound to `algorithm` and `encryption` when given.
    ///
    /// A raw key file holds the key's bytes, or its text after `base64:`; without `--alg` it is a `dir` key.
    /// With `acceptingEveryEncryption`, each key also decrypts every content encryption algorithm that fits it.
    /// - Throws: `invalid_key` naming what is wrong.
    static func load(
        _ path: String,
        algorithm: KeyManagementAlgorithm?,
        encryption: ContentEncryptionAlgorithm?,
        acceptingEveryEncryption: Bool = false
    ) throws(JWTAuthError) -> [JWEKey] {
        let (materials, _) = try KeyMaterial.parse(try KeyFile.read(path))
        var keys: [JWEKey] = []
        for material in materials {
            var key: JWEKey
            switch material {
            case .pem(let text):
                // The service's key store writes an `alg:` line before the PEM; it names a signing algorithm.
                let pem = text.firstRange(of: "-----BEGIN").map { String(text[$0.lowerBound...]) } ?? text
                key = try JWEKey(pem: pem, algorithm: algorithm, encryption: encryption ?? .a256GCM)
            case .jwk(let members):
                key = try JWEKey(jwk: members, algorithm: algorithm, encryption: encryption)
            case .secret(let text):
                key = try JWEKey.symmetric(try secretBytes(text), algorithm: algorithm ?? .dir, encryption: encryption)
            case .binarySecret(let bytes):
                key = try JWEKey.symmetric(bytes, algorithm: algorithm ?? .dir, encryption: encryption)
            }
            if acceptingEveryEncryption, encryption == nil {
                let fitting = ContentEncryptionAlgorithm.all.filter { (try? key.encrypting(with: $0)) != nil }
                key = try key.encrypting(with: key.encryption, accepting: Set(fitting))
            }
            keys.append(key)
        }
        guard !keys.isEmpty else { throw .invalidKey("The file holds no key") }
        return keys
    }

    private static func secretBytes(_ text: String) throws(JWTAuthError) -> [UInt8] {
        guard text.hasPrefix("base64:") else { return Array(text.utf8) }
        guard let bytes = Data(base64Encoded: String(text.dropFirst(7))) else { throw .invalidKey("The key after base64: is not base64") }
        return Array(bytes)
    }
}
