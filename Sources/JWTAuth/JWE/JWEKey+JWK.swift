import Crypto
import FoundationEssentials
import _CryptoExtras

extension JWEKey {
    /// A key from a JSON Web Key (RFC 7517): `oct`, `RSA`, `EC` (P-256, P-384, P-521) or `OKP` (X25519).
    ///
    /// The JWK's `alg`, when present, must agree with `algorithm`; `use`, when present, must be `enc`. Without
    /// either, `alg` is `dir` for `oct`, `ECDH-ES+A256KW` for EC and OKP, `RSA-OAEP-256` for RSA. Private members,
    /// when present, must match the public ones.
    /// - Throws: `invalid_key` naming the member at fault.
    public init(
        jwk: [String: JSONValue],
        algorithm: KeyManagementAlgorithm? = nil,
        encryption: ContentEncryptionAlgorithm? = nil
    ) throws(JWTAuthError) {
        let reader = JWKReader(members: jwk)
        let kty = try reader.string("kty")
        var declared: KeyManagementAlgorithm? = nil
        var encryption = encryption
        if let name = try reader.optionalString("alg") {
            if kty == "oct", let direct = ContentEncryptionAlgorithm(name: name) {
                // RFC 7520 §5.6 names a direct key by the content encryption it is for.
                if let encryption, encryption != direct { throw .invalidKey("The JWK is for \(direct), not \(encryption)") }
                declared = .dir
                encryption = direct
            } else {
                guard let known = KeyManagementAlgorithm(name: name) else { throw .invalidKey("Unsupported JWK alg \(name) for encryption") }
                declared = known
            }
        }
        if let declared, let algorithm, declared != algorithm {
            throw .invalidKey("The JWK is for \(declared), not \(algorithm)")
        }
        if let use = try reader.optionalString("use"), use != "enc" { throw .invalidKey("The JWK's use is not enc") }
        if let ops = jwk["key_ops"] {
            let allowed: Set<String> = ["encrypt", "decrypt", "wrapKey", "unwrapKey", "deriveKey", "deriveBits"]
            guard let list = ops.arrayValue?.compactMap(\.stringValue), list.count == ops.arrayValue?.count,
                list.contains(where: allowed.contains)
            else { throw .invalidKey("The JWK's key_ops allow no encryption") }
        }
        let keyID = try reader.optionalString("kid")
        let chosen = algorithm ?? declared
        let material: Material
        switch kty {
        case "oct":
            self = try .symmetric(try reader.bytes("k"), algorithm: chosen ?? .dir, encryption: encryption, keyID: keyID)
            return
        case "RSA": material = try Self.material(converting: JWTKey.rsaMaterial(reader))
        case "EC": material = try Self.material(converting: JWTKey.ecMaterial(reader))
        case "OKP":
            let crv = try reader.string("crv")
            guard crv == "X25519" else { throw .invalidKey("Unsupported OKP curve \(crv) for encryption") }
            let x = try reader.bytes("x", count: 32)
            guard let publicKey = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: x) else { throw .invalidKey("Invalid X25519 x") }
            if jwk["d"] != nil {
                let d = try reader.bytes("d", count: 32)
                guard let key = try? Curve25519.KeyAgreement.PrivateKey(rawRepresentation: d),
                    key.publicKey.rawRepresentation == publicKey.rawRepresentation
                else { throw .invalidKey("The JWK's d does not match its x") }
                material = .x25519Private(key)
            } else {
                material = .x25519Public(publicKey)
            }
        default:
            throw .invalidKey("Unsupported JWK kty \(kty)")
        }
        let defaultAlgorithm: KeyManagementAlgorithm = kty == "RSA" ? .rsaOAEP256 : .ecdhESA256KW
        try self.init(material: material, algorithm: chosen ?? defaultAlgorithm, encryption: encryption ?? .a256GCM, keyID: keyID)
    }

    /// A key from JWK text.
    public init(jwk text: String, algorithm: KeyManagementAlgorithm? = nil, encryption: ContentEncryptionAlgorithm? = nil) throws(JWTAuthError) {
        guard let members = try? JSONParser().parseObject(Array(text.utf8)) else { throw .invalidKey("The JWK is not a JSON object") }
        try self.init(jwk: members, algorithm: algorithm, encryption: encryption)
    }

    /// A key from PEM (PKCS#8, SEC1, SPKI or PKCS#1): RSA (2048 bits or more) or EC (P-256, P-384, P-521).
    ///
    /// `algorithm` defaults to `RSA-OAEP-256` for RSA and `ECDH-ES+A256KW` for EC; `encryption` to `A256GCM`.
    public init(
        pem: String,
        algorithm: KeyManagementAlgorithm? = nil,
        encryption: ContentEncryptionAlgorithm = .a256GCM,
        keyID: String? = nil
    ) throws(JWTAuthError) {
        let key = try JWTKey(pem: pem)
        let material = try Self.material(converting: key.material)
        let defaultAlgorithm: KeyManagementAlgorithm = material.keyType == "RSA" ? .rsaOAEP256 : .ecdhESA256KW
        try self.init(material: material, algorithm: algorithm ?? defaultAlgorithm, encryption: encryption, keyID: keyID)
    }

    /// The encryption form of a key that JWTAuth's JWK and PEM readers made (checked there: sizes, curves, ROCA).
    static func material(converting material: JWTKey.Material) throws(JWTAuthError) -> Material {
        do {
            switch material {
            case .rsaPrivate(let key):
                return .rsaPrivate(RSAPrivateKey(key: try _RSA.Encryption.PrivateKey(derRepresentation: key.derRepresentation)))
            case .rsaPublic(let key): return .rsaPublic(RSAPublicKey(key: try _RSA.Encryption.PublicKey(derRepresentation: key.derRepresentation)))
            case .p256Private(let key): return .p256Private(try P256.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation))
            case .p256Public(let key): return .p256Public(try P256.KeyAgreement.PublicKey(x963Representation: key.x963Representation))
            case .p384Private(let key): return .p384Private(try P384.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation))
            case .p384Public(let key): return .p384Public(try P384.KeyAgreement.PublicKey(x963Representation: key.x963Representation))
            case .p521Private(let key): return .p521Private(try P521.KeyAgreement.PrivateKey(rawRepresentation: key.rawRepresentation))
            case .p521Public(let key): return .p521Public(try P521.KeyAgreement.PublicKey(x963Representation: key.x963Representation))
            case .hmac, .ed25519Private, .ed25519Public: break
            }
        } catch {
            throw .invalidKey("The key cannot be used for encryption")
        }
        throw .invalidKey("A \(material.keyType) \(material.curveName) key cannot be used for encryption")
    }
}

extension JWEKey {
    /// The public JWK with `kty`, the key's members, `kid` (when set), `alg` and `use: "enc"`; nil for a symmetric key.
    public var publicJWK: [String: JSONValue]? {
        guard material.keyType != "oct" else { return nil }
        var members = requiredMembers(private: false)
        if let keyID { members["kid"] = .string(keyID) }
        members["alg"] = .string(algorithm.name)
        members["use"] = "enc"
        return members
    }

    /// The JWK including private members (`d`, or `k` for a symmetric key), for storing a key. Never publish it.
    public var privateJWK: [String: JSONValue] {
        var members = requiredMembers(private: true)
        if let keyID { members["kid"] = .string(keyID) }
        members["alg"] = .string(algorithm.name)
        members["use"] = "enc"
        return members
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url).
    public var thumbprint: String {
        let canonical = JSONWriter.encode(.object(requiredMembers(private: false, thumbprint: true)), sortedKeys: true)
        return Base64URL.encode(Array(SHA256.hash(data: canonical)))
    }

    /// The required members, written by the signing key code for RSA and EC keys, so both agree byte for byte.
    private func requiredMembers(private includePrivate: Bool, thumbprint: Bool = false) -> [String: JSONValue] {
        let twin: JWTKey.Material
        switch material {
        case .symmetric(let key):
            guard includePrivate || thumbprint else { return ["kty": "oct"] }
            return ["kty": "oct", "k": .string(key.withUnsafeBytes { Base64URL.encode(Array($0)) })]
        case .x25519Private(let key):
            var members: [String: JSONValue] = ["kty": "OKP", "crv": "X25519", "x": .string(Base64URL.encode(key.publicKey.rawRepresentation))]
            if includePrivate { members["d"] = .string(Base64URL.encode(key.rawRepresentation)) }
            return members
        case .x25519Public(let key):
            return ["kty": "OKP", "crv": "X25519", "x": .string(Base64URL.encode(key.rawRepresentation))]
        case .rsaPrivate(let key): twin = .rsaPrivate(try! _RSA.Signing.PrivateKey(derRepresentation: key.key.derRepresentation))
        case .rsaPublic(let key): twin = .rsaPublic(try! _RSA.Signing.PublicKey(derRepresentation: key.key.derRepresentation))
        case .p256Private(let key): twin = .p256Private(try! P256.Signing.PrivateKey(rawRepresentation: key.rawRepresentation))
        case .p256Public(let key): twin = .p256Public(try! P256.Signing.PublicKey(x963Representation: key.x963Representation))
        case .p384Private(let key): twin = .p384Private(try! P384.Signing.PrivateKey(rawRepresentation: key.rawRepresentation))
        case .p384Public(let key): twin = .p384Public(try! P384.Signing.PublicKey(x963Representation: key.x963Representation))
        case .p521Private(let key): twin = .p521Private(try! P521.Signing.PrivateKey(rawRepresentation: key.rawRepresentation))
        case .p521Public(let key): twin = .p521Public(try! P521.Signing.PublicKey(x963Representation: key.x963Representation))
        }
        let algorithm: SigningAlgorithm = twin.impliedAlgorithm ?? .rs256
        return try! JWTKey(material: twin, algorithm: algorithm, keyID: nil).requiredMembers(private: includePrivate, thumbprint: thumbprint)
    }
}
