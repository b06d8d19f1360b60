/// Keys selected by `kid`. An unknown `kid` is refused: there is never a fall-back to another key.
public struct JWTKeySet: Sendable {
    /// The keys, in the order they were added.
    public private(set) var keys: [JWTKey]
    private var byID: [String: Int]

    /// A set of keys; each `kid` may appear once.
    /// - Throws: `invalid_key` for a repeated `kid`.
    public init(_ keys: [JWTKey] = []) throws(JWTAuthError) {
        self.keys = []
        self.byID = [:]
        for key in keys { try insert(key) }
    }

    /// Adds a key. - Throws: `invalid_key` when its `kid` is taken.
    public mutating func insert(_ key: JWTKey) throws(JWTAuthError) {
        if let keyID = key.keyID {
            guard byID[keyID] == nil else { throw .invalidKey("Two keys share one kid") }
            byID[keyID] = keys.count
        }
        keys.append(key)
    }

    /// Removes the key with this `kid`; returns whether there was one.
    @discardableResult
    public mutating func remove(keyID: String) -> Bool {
        guard let index = byID[keyID] else { return false }
        keys.remove(at: index)
        byID = [:]
        for (offset, key) in keys.enumerated() {
            if let id = key.keyID { byID[id] = offset }
        }
        return true
    }

    /// The key with this `kid`, if any.
    public subscript(keyID keyID: String) -> JWTKey? {
        byID[keyID].map { keys[$0] }
    }

    /// The algorithms of the keys in the set.
    public var algorithms: Set<SigningAlgorithm> { Set(keys.map(\.algorithm)) }

    /// The key that verifies a token with this header.
    ///
    /// With a `kid`, the key with that `kid`. Without one, the only key of the set, or else the only key
    /// without a `kid`.
    /// - Throws: `invalid_token` when no key fits; the message never repeats the token's `kid`.
    public func key(for header: JWSHeader) throws(JWTAuthError) -> JWTKey {
        keys[try index(for: header)]
    }

    /// The position in ``keys`` of the key that verifies a token with this header.
    func index(for header: JWSHeader) throws(JWTAuthError) -> Int {
        if let keyID = header.keyID {
            guard let index = byID[keyID] else { throw .invalidToken("Unknown key id") }
            return index
        }
        if keys.count == 1 { return 0 }
        let unnamed = keys.indices.filter { keys[$0].keyID == nil }
        guard unnamed.count == 1 else { throw .invalidToken("The token has no kid and the key set has no default key") }
        return unnamed[0]
    }

    /// The public keys as a JWK Set (`{"keys": [...]}`); HMAC keys are never included.
    public var publicJWKS: JSONValue {
        .object(["keys": .array(keys.compactMap { $0.publicJWK.map(JSONValue.object) })])
    }
}

extension JWTKeySet {
    /// A key set from a JWK Set document (`{"keys": [...]}`).
    ///
    /// Keys of a type JWTAuth does not implement, or whose `use` is not `sig`, are skipped, as RFC 7517 §5
    /// advises. - Throws: `invalid_key` when the document is malformed, two entries share a `kid`, no key is
    ///   usable, or HMAC secrets sit beside asymmetric keys (a set meant for publishing that holds a secret).
    public init(jwks members: [String: JSONValue], allowWeakSecret: Bool = false) throws(JWTAuthError) {
        guard let entries = members["keys"]?.arrayValue else { throw .invalidKey("The JWK Set has no keys array") }
        var keys: [JWTKey] = []
        var keyIDs: Set<String> = []
        for entry in entries {
            guard let object = entry.objectValue else { throw .invalidKey("A JWK Set entry is not an object") }
            // A kid names one key, even when the other entry with it is unusable: the set is ambiguous.
            if let keyID = object["kid"]?.stringValue, !keyIDs.insert(keyID).inserted { throw .invalidKey("Two keys share one kid") }
            if let key = try? JWTKey(jwk: object, allowWeakSecret: allowWeakSecret) { keys.append(key) }
        }
        guard !keys.isEmpty else { throw .invalidKey("The JWK Set has no usable key") }
        guard keys.allSatisfy(\.algorithm.isAsymmetric) || !keys.contains(where: \.algorithm.isAsymmetric) else {
            throw .invalidKey("The JWK Set mixes HMAC secrets with asymmetric keys")
        }
        try self.init(keys)
    }

    /// A key set from JWK Set text.
    public init(jwks text: String, allowWeakSecret: Bool = false) throws(JWTAuthError) {
        guard let members = try? JSONParser().parseObject(Array(text.utf8)) else { throw .invalidKey("The JWK Set is not a JSON object") }
        try self.init(jwks: members, allowWeakSecret: allowWeakSecret)
    }
}
