import Crypto
import FoundationEssentials
import _CryptoExtras

extension JWTKey {
    /// A key from a JSON Web Key (RFC 7517): `oct`, `RSA`, `EC` (P-256, P-384, P-521) or `OKP` (Ed25519).
    ///
    /// The JWK's `alg`, when present, must agree with `algorithm`; `use`, when present, must be `sig`.
    /// Private members, when present, must match the public ones.
    /// - Throws: `invalid_key` naming the member at fault.
    public init(jwk: [String: JSONValue], algorithm: SigningAlgorithm? = nil, allowWeakSecret: Bool = false) throws(JWTAuthError) {
        let reader = JWKReader(members: jwk)
        let kty = try reader.string("kty")
        var declared: SigningAlgorithm? = nil
        if let name = try reader.optionalString("alg") {
            guard let known = SigningAlgorithm(name: name) else { throw .invalidKey("Unsupported JWK alg \(name)") }
            declared = known
        }
        if let declared, let algorithm, declared != algorithm {
            throw .invalidKey("The JWK is for \(declared), not \(algorithm)")
        }
        if let use = try reader.optionalString("use"), use != "sig" { throw .invalidKey("The JWK's use is not sig") }
        if let ops = jwk["key_ops"] {
            guard let list = ops.arrayValue?.compactMap(\.stringValue), list.count == ops.arrayValue?.count,
                list.contains("verify") || list.contains("sign")
            else { throw .invalidKey("The JWK's key_ops allow neither sign nor verify") }
        }
        let keyID = try reader.optionalString("kid")
        let chosen = algorithm ?? declared

        switch kty {
        case "oct":
            let key = try JWTKey.hmac(try reader.bytes("k"), algorithm: chosen ?? .hs256, keyID: keyID, allowWeakSecret: allowWeakSecret)
            self = key
        case "RSA":
            let material = try Self.rsaMaterial(reader)
            try self.init(material: material, algorithm: chosen ?? .rs256, keyID: keyID)
        case "EC":
            try self.init(material: try Self.ecMaterial(reader), algorithm: chosen, keyID: keyID, implied: true)
        case "OKP":
            let crv = try reader.string("crv")
            guard crv == "Ed25519" else { throw .invalidKey("Unsupported OKP curve \(crv)") }
            let x = try reader.bytes("x", count: 32)
            guard let publicKey = try? Curve25519.Signing.PublicKey(rawRepresentation: x) else { throw .invalidKey("Invalid Ed25519 x") }
            var material = Material.ed25519Public(publicKey)
            if jwk["d"] != nil {
                let d = try reader.bytes("d", count: 32)
                guard let privateKey = try? Curve25519.Signing.PrivateKey(rawRepresentation: d),
                    privateKey.publicKey.rawRepresentation == publicKey.rawRepresentation
                else { throw .invalidKey("The JWK's d does not match its x") }
                material = .ed25519Private(privateKey)
            }
            try self.init(material: material, algorithm: chosen ?? .eddsa, keyID: keyID)
        default:
            throw .invalidKey("Unsupported JWK kty \(kty)")
        }
    }

    /// A key from JWK text.
    public init(jwk text: String, algorithm: SigningAlgorithm? = nil, allowWeakSecret: Bool = false) throws(JWTAuthError) {
        guard let members = try? JSONParser().parseObject(Array(text.utf8)) else { throw .invalidKey("The JWK is not a JSON object") }
        try self.init(jwk: members, algorithm: algorithm, allowWeakSecret: allowWeakSecret)
    }

    /// A key whose curve implies its algorithm; `algorithm`, when given, must be that one.
    private init(material: Material, algorithm: SigningAlgorithm?, keyID: String?, implied: Bool) throws(JWTAuthError) {
        let impliedAlgorithm = material.impliedAlgorithm ?? algorithm ?? .es256
        if let algorithm, algorithm != impliedAlgorithm {
            throw .invalidKey("A \(material.curveName) key cannot be used with \(algorithm)")
        }
        try self.init(material: material, algorithm: impliedAlgorithm, keyID: keyID)
    }

    static func rsaMaterial(_ reader: JWKReader) throws(JWTAuthError) -> Material {
        let n = try reader.unsignedInteger("n")
        let e = try reader.unsignedInteger("e")
        let privateNames = ["d", "p", "q", "dp", "dq", "qi"]
        let present = privateNames.filter { reader.members[$0] != nil }
        if present.isEmpty {
            guard let key = try? _RSA.Signing.PublicKey(n: n, e: e), key.keySizeInBits >= 2048 else {
                throw .invalidKey("Invalid RSA public key (2048 bits or more required)")
            }
            try rejectROCA(key)
            return .rsaPublic(key)
        }
        guard present.count == privateNames.count else { throw .invalidKey("Incomplete RSA private key") }
        let d = try reader.unsignedInteger("d")
        let p = try reader.unsignedInteger("p")
        let q = try reader.unsignedInteger("q")
        guard let key = try? _RSA.Signing.PrivateKey(n: n, e: e, d: d, p: p, q: q), key.keySizeInBits >= 2048 else {
            throw .invalidKey("Invalid RSA private key (2048 bits or more required)")
        }
        try rejectROCA(key.publicKey)
        return .rsaPrivate(key)
    }

    static func ecMaterial(_ reader: JWKReader) throws(JWTAuthError) -> Material {
        let crv = try reader.string("crv")
        let size: Int
        switch crv {
        case "P-256": size = 32
        case "P-384": size = 48
        case "P-521": size = 66
        default: throw .invalidKey("Unsupported EC curve \(crv)")
        }
        let point = [0x04] + (try reader.bytes("x", count: size)) + (try reader.bytes("y", count: size))
        let d = reader.members["d"] == nil ? nil : try reader.bytes("d", count: size)
        do {
            switch crv {
            case "P-256":
                let publicKey = try P256.Signing.PublicKey(x963Representation: point)
                guard let d else { return .p256Public(publicKey) }
                let key = try P256.Signing.PrivateKey(rawRepresentation: d)
                guard key.publicKey.x963Representation == publicKey.x963Representation else { break }
                return .p256Private(key)
            case "P-384":
                let publicKey = try P384.Signing.PublicKey(x963Representation: point)
                guard let d else { return .p384Public(publicKey) }
                let key = try P384.Signing.PrivateKey(rawRepresentation: d)
                guard key.publicKey.x963Representation == publicKey.x963Representation else { break }
                return .p384Private(key)
            default:
                let publicKey = try P521.Signing.PublicKey(x963Representation: point)
                guard let d else { return .p521Public(publicKey) }
                let key = try P521.Signing.PrivateKey(rawRepresentation: d)
                guard key.publicKey.x963Representation == publicKey.x963Representation else { break }
                return .p521Private(key)
            }
        } catch {
            throw .invalidKey("The JWK's point is not on \(crv)")
        }
        throw .invalidKey("The JWK's d does not match its x and y")
    }
}

extension JWTKey {
    /// The public JWK with `kty`, the key's members, `kid` (when set), `alg` and `use: "sig"`; nil for HMAC.
    public var publicJWK: [String: JSONValue]? {
        guard material.keyType != "oct" else { return nil }
        var members = requiredMembers(private: false)
        if let keyID { members["kid"] = .string(keyID) }
        members["alg"] = .string(algorithm.name)
        members["use"] = "sig"
        return members
    }

    /// The JWK including private members (`d`, or `k` for HMAC), for storing a key. Never publish it.
    public var privateJWK: [String: JSONValue] {
        var members = requiredMembers(private: true)
        if let keyID { members["kid"] = .string(keyID) }
        members["alg"] = .string(algorithm.name)
        return members
    }

    /// The RFC 7638 JWK thumbprint (SHA-256, base64url), the `kid` JWTAuth gives its generated keys.
    public var thumbprint: String {
        let canonical = JSONWriter.encode(.object(requiredMembers(private: false, thumbprint: true)), sortedKeys: true)
        return Base64URL.encode(Array(SHA256.hash(data: canonical)))
    }

    func requiredMembers(private includePrivate: Bool, thumbprint: Bool = false) -> [String: JSONValue] {
        func b64(_ bytes: some Collection<UInt8>) -> JSONValue { .string(Base64URL.encode(bytes)) }
        func ec(_ crv: String, _ point: Data, _ d: Data?) -> [String: JSONValue] {
            let size = (point.count - 1) / 2
            var members: [String: JSONValue] = [
                "kty": "EC", "crv": .string(crv), "x": b64(point.dropFirst().prefix(size)), "y": b64(point.suffix(size)),
            ]
            if includePrivate, let d { members["d"] = b64(d) }
            return members
        }
        func rsa(_ key: _RSA.Signing.PublicKey) -> [String: JSONValue] {
            guard let primitives = try? key.getKeyPrimitives() else { return ["kty": "RSA"] }
            return ["kty": "RSA", "n": b64(primitives.modulus.drop { $0 == 0 }), "e": b64(primitives.publicExponent.drop { $0 == 0 })]
        }
        switch material {
        case .hmac(let key):
            // The thumbprint of a secret is defined, but only the private JWK ever carries `k`.
            guard includePrivate || thumbprint else { return ["kty": "oct"] }
            return ["kty": "oct", "k": key.withUnsafeBytes { b64(Array($0)) }]
        case .rsaPrivate(let key):
            var members = rsa(key.publicKey)
            if includePrivate, let jwk = Self.rsaPrivateMembers(key) { members.merge(jwk) { a, _ in a } }
            return members
        case .rsaPublic(let key): return rsa(key)
        case .p256Private(let key): return ec("P-256", key.publicKey.x963Representation, key.rawRepresentation)
        case .p256Public(let key): return ec("P-256", key.x963Representation, nil)
        case .p384Private(let key): return ec("P-384", key.publicKey.x963Representation, key.rawRepresentation)
        case .p384Public(let key): return ec("P-384", key.x963Representation, nil)
        case .p521Private(let key): return ec("P-521", key.publicKey.x963Representation, key.rawRepresentation)
        case .p521Public(let key): return ec("P-521", key.x963Representation, nil)
        case .ed25519Private(let key):
            var members: [String: JSONValue] = ["kty": "OKP", "crv": "Ed25519", "x": b64(key.publicKey.rawRepresentation)]
            if includePrivate { members["d"] = b64(key.rawRepresentation) }
            return members
        case .ed25519Public(let key): return ["kty": "OKP", "crv": "Ed25519", "x": b64(key.rawRepresentation)]
        }
    }

    /// d, p, q, dp, dq and qi, read from the PKCS#1 `RSAPrivateKey` DER that swift-crypto exports.
    private static func rsaPrivateMembers(_ key: _RSA.Signing.PrivateKey) -> [String: JSONValue]? {
        let der = Array(key.derRepresentation)
        var index = 0
        func length() -> Int? {
            guard index < der.count else { return nil }
            let first = Int(der[index])
            index += 1
            guard first & 0x80 != 0 else { return first }
            let count = first & 0x7F
            guard count <= 4, index + count <= der.count else { return nil }
            var value = 0
            for _ in 0..<count {
                value = value << 8 | Int(der[index])
                index += 1
            }
            return value
        }
        guard der.first == 0x30 else { return nil }
        index = 1
        guard length() != nil else { return nil }
        var integers: [[UInt8]] = []
        while index < der.count, integers.count < 9 {
            guard der[index] == 0x02 else { return nil }
            index += 1
            guard let count = length(), index + count <= der.count else { return nil }
            integers.append(Array(der[index..<index + count].drop { $0 == 0 }))
            index += count
        }
        guard integers.count == 9 else { return nil }
        let names = ["d", "p", "q", "dp", "dq", "qi"]
        var members: [String: JSONValue] = [:]
        for (offset, name) in names.enumerated() { members[name] = .string(Base64URL.encode(integers[offset + 3])) }
        return members
    }
}

extension JWTKey.Material {
    var curveName: String {
        switch self {
        case .p256Private, .p256Public: "P-256"
        case .p384Private, .p384Public: "P-384"
        case .p521Private, .p521Public: "P-521"
        case .ed25519Private, .ed25519Public: "Ed25519"
        default: keyType
        }
    }
}

/// Reads JWK members strictly: strings where strings belong, canonical base64url, exact lengths.
struct JWKReader {
    let members: [String: JSONValue]

    func string(_ name: String) throws(JWTAuthError) -> String {
        guard let value = members[name] else { throw .invalidKey("The JWK has no \(name)") }
        guard let string = value.stringValue else { throw .invalidKey("The JWK's \(name) is not a string") }
        return string
    }

    func optionalString(_ name: String) throws(JWTAuthError) -> String? {
        guard members[name] != nil else { return nil }
        return try string(name)
    }

    func bytes(_ name: String, count: Int? = nil) throws(JWTAuthError) -> [UInt8] {
        guard let bytes = Base64URL.decode(try string(name)) else { throw .invalidKey("The JWK's \(name) is not base64url") }
        if let count, bytes.count != count { throw .invalidKey("The JWK's \(name) is not \(count) bytes") }
        return bytes
    }

    /// A base64url unsigned big-endian integer without leading zero bytes (RFC 7518 §6.3).
    func unsignedInteger(_ name: String) throws(JWTAuthError) -> [UInt8] {
        let bytes = try bytes(name)
        guard let first = bytes.first, first != 0 || bytes.count == 1 else { throw .invalidKey("The JWK's \(name) is not a minimal integer") }
        return bytes
    }
}
