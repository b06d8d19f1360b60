import Crypto
import FoundationEssentials
import _CryptoExtras

extension JWEKey {
    /// Encrypts `plaintext` to this key as a JWE compact serialization with a fresh content key and IV.
    ///
    /// The header holds `alg`, `enc`, `kid` (when the key has one), `epk` for the ECDH-ES family, and `cty` and
    /// `typ` when given (`cty: "JWT"` marks a nested token). A public key is enough.
    /// - Throws: `invalid_key` when the key cannot encrypt.
    public func encrypt(_ plaintext: some Collection<UInt8>, contentType: String? = nil, type: String? = nil) throws(JWTAuthError) -> String {
        var header = self.header(encryption, contentType: contentType)
        if let type { header["typ"] = .string(type) }
        let cek: [UInt8]
        let encryptedKey: [UInt8]
        do {
            (cek, encryptedKey) = try manageKey(header: &header)
        } catch {
            throw .invalidKey("Encryption failed")
        }
        var output: [UInt8] = []
        output.reserveCapacity(plaintext.count * 4 / 3 + 400)
        Base64URL.encode(JSONWriter.encode(.object(header), sortedKeys: true), into: &output)
        let iv = Self.randomBytes(encryption.ivByteCount)
        let sealed: (ciphertext: [UInt8], tag: [UInt8])
        do {
            sealed = try ContentCipher.seal(Array(plaintext), encryption, cek: cek, iv: iv, aad: output)
        } catch {
            throw .invalidKey("Encryption failed")
        }
        for segment in [encryptedKey, iv, sealed.ciphertext, sealed.tag] {
            output.append(UInt8(ascii: "."))
            Base64URL.encode(segment, into: &output)
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The header members this key writes for `encryption`, but `epk`.
    func header(_ encryption: ContentEncryptionAlgorithm, contentType: String?) -> [String: JSONValue] {
        var header: [String: JSONValue] = ["alg": .string(algorithm.name), "enc": .string(encryption.name)]
        if let keyID { header["kid"] = .string(keyID) }
        if let contentType { header["cty"] = .string(contentType) }
        return header
    }

    /// The content key and the encrypted key segment for a new token; adds `epk` to `header` for ECDH-ES.
    private func manageKey(header: inout [String: JSONValue]) throws -> (cek: [UInt8], encryptedKey: [UInt8]) {
        switch (algorithm.kind, material) {
        case (.direct, .symmetric(let key)):
            return (key.withUnsafeBytes { Array($0) }, [])
        case (.keyWrap, .symmetric(let kek)):
            let cek = Self.randomBytes(encryption.keyByteCount)
            return (cek, Array(try AES.KeyWrap.wrap(SymmetricKey(data: cek), using: kek)))
        case (.rsaOAEP(let sha256), .rsaPrivate(let key)):
            let cek = Self.randomBytes(encryption.keyByteCount)
            return (cek, Array(try key.key.publicKey.encrypt(cek, padding: sha256 ? .PKCS1_OAEP_SHA256 : .PKCS1_OAEP)))
        case (.rsaOAEP(let sha256), .rsaPublic(let key)):
            let cek = Self.randomBytes(encryption.keyByteCount)
            return (cek, Array(try key.key.encrypt(cek, padding: sha256 ? .PKCS1_OAEP_SHA256 : .PKCS1_OAEP)))
        case (.keyAgreement(let wrapByteCount), _):
            let (epk, z) = try ephemeralAgreement()
            header["epk"] = .object(epk)
            guard let wrapByteCount else {
                return (ConcatKDF.derive(z: z, byteCount: encryption.keyByteCount, algorithmID: encryption.name, apu: [], apv: []), [])
            }
            let kek = ConcatKDF.derive(z: z, byteCount: wrapByteCount, algorithmID: algorithm.name, apu: [], apv: [])
            let cek = Self.randomBytes(encryption.keyByteCount)
            return (cek, Array(try AES.KeyWrap.wrap(SymmetricKey(data: cek), using: SymmetricKey(data: kek))))
        default:
            throw JWTAuthError.invalidKey("The key does not fit its algorithm")
        }
    }

    /// A new ephemeral key on this key's curve, as the `epk` JWK, and the secret it agrees with this key.
    private func ephemeralAgreement() throws -> ([String: JSONValue], SharedSecret) {
        func ec(_ crv: String, _ point: Data) -> [String: JSONValue] {
            let size = (point.count - 1) / 2
            return [
                "kty": "EC", "crv": .string(crv), "x": .string(Base64URL.encode(point.dropFirst().prefix(size))),
                "y": .string(Base64URL.encode(point.suffix(size))),
            ]
        }
        switch material {
        case .p256Private(let key): return try Self.agree(P256.KeyAgreement.PrivateKey(), key.publicKey) { ec("P-256", $0.x963Representation) }
        case .p256Public(let key): return try Self.agree(P256.KeyAgreement.PrivateKey(), key) { ec("P-256", $0.x963Representation) }
        case .p384Private(let key): return try Self.agree(P384.KeyAgreement.PrivateKey(), key.publicKey) { ec("P-384", $0.x963Representation) }
        case .p384Public(let key): return try Self.agree(P384.KeyAgreement.PrivateKey(), key) { ec("P-384", $0.x963Representation) }
        case .p521Private(let key): return try Self.agree(P521.KeyAgreement.PrivateKey(), key.publicKey) { ec("P-521", $0.x963Representation) }
        case .p521Public(let key): return try Self.agree(P521.KeyAgreement.PrivateKey(), key) { ec("P-521", $0.x963Representation) }
        case .x25519Private(let key): return try x25519(key.publicKey)
        case .x25519Public(let key): return try x25519(key)
        default: throw JWTAuthError.invalidKey("The key does not fit its algorithm")
        }
        func x25519(_ recipient: Curve25519.KeyAgreement.PublicKey) throws -> ([String: JSONValue], SharedSecret) {
            let ephemeral = Curve25519.KeyAgreement.PrivateKey()
            let epk: [String: JSONValue] = [
                "kty": "OKP", "crv": "X25519", "x": .string(Base64URL.encode(ephemeral.publicKey.rawRepresentation)),
            ]
            return (epk, try ephemeral.sharedSecretFromKeyAgreement(with: recipient))
        }
    }

    private static func agree<Key: DiffieHellmanKeyAgreement>(
        _ ephemeral: Key,
        _ recipient: Key.PublicKey,
        _ jwk: (Key.PublicKey) -> [String: JSONValue]
    ) throws -> ([String: JSONValue], SharedSecret) {
        (jwk(ephemeral.publicKey), try ephemeral.sharedSecretFromKeyAgreement(with: recipient))
    }

    /// `count` bytes from the system's secure random generator.
    static func randomBytes(_ count: Int) -> [UInt8] {
        SymmetricKey(size: .init(bitCount: count * 8)).withUnsafeBytes { Array($0) }
    }
}
