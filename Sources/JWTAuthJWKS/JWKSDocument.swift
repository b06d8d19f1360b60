import JWTAuth

/// Reads a fetched JWK Set for verification: public signing keys only.
enum JWKSDocument {
    /// Members that only private or symmetric keys have.
    private static let secretMembers: Set<String> = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"]

    /// The keys of `bytes`.
    ///
    /// Keys meant for something else than signatures (`use`, `key_ops`), of a type or algorithm not implemented
    /// or not allowed, are skipped (RFC 7517 §5).
    /// - Throws: `invalid_key` for a document that is not a JWK Set, holds private or symmetric key material
    ///   (an issuer that publishes secrets is misconfigured: nothing from it is trusted), repeats a `kid`, has
    ///   more than `maximumKeyCount` entries, or no usable key.
    static func keys(_ bytes: [UInt8], allowedAlgorithms: Set<SigningAlgorithm>?, maximumKeyCount: Int) throws(JWTAuthError) -> JWTKeySet {
        guard let document = try? JSONParser().parseObject(bytes), let entries = document["keys"]?.arrayValue else {
            throw .invalidKey("The JWKS response is not a JWK Set")
        }
        guard entries.count <= maximumKeyCount else { throw .invalidKey("The JWK Set has more than \(maximumKeyCount) keys") }
        var keys: [JWTKey] = []
        var keyIDs: Set<String> = []
        for entry in entries {
            guard let members = entry.objectValue else { throw .invalidKey("A JWK Set entry is not an object") }
            if members["kty"]?.stringValue == "oct" || !secretMembers.isDisjoint(with: members.keys) {
                throw .invalidKey("The JWK Set holds private or symmetric key material")
            }
            if let keyID = members["kid"]?.stringValue, !keyIDs.insert(keyID).inserted { throw .invalidKey("Two keys share one kid") }
            if let use = members["use"], use.stringValue != "sig" { continue }
            if let operations = members["key_ops"], !(operations.arrayValue ?? []).contains(.string("verify")) { continue }
            guard let key = try? JWTKey(jwk: members), key.algorithm.isAsymmetric, !key.canSign else { continue }
            if let allowedAlgorithms, !allowedAlgorithms.contains(key.algorithm) { continue }
            keys.append(key)
        }
        guard !keys.isEmpty else { throw .invalidKey("The JWK Set has no usable key") }
        return try JWTKeySet(keys)
    }
}
