import JWTAuth

/// The keys `--key` named, each with the material it came from, so that it can be bound to another
/// algorithm of its own family.
struct LoadedKeys {
    struct Entry {
        let material: KeyMaterial
        let key: JWTKey
    }

    let entries: [Entry]
    /// True when the keys came from a JWK Set: then a token's `kid` must name one of them.
    let isSet: Bool
    let allowWeakSecret: Bool

    /// Binds each material to `algorithm` (nil: its own default) and `keyID`.
    ///
    /// A single key takes `keyID` as its `kid`. In a JWK Set, `keyID` selects the key, and keys that do
    /// not fit `algorithm` or that JWTAuth cannot use are skipped (RFC 7517 §5).
    /// - Throws: `invalid_key`.
    init(
        _ materials: [KeyMaterial],
        isSet: Bool,
        algorithm: SigningAlgorithm?,
        keyID: String?,
        allowWeakSecret: Bool
    ) throws(JWTAuthError) {
        self.isSet = isSet
        self.allowWeakSecret = allowWeakSecret
        guard isSet else {
            let key = try materials[0].key(algorithm: algorithm, allowWeakSecret: allowWeakSecret)
            entries = [Entry(material: materials[0], key: keyID.map { key.withKeyID($0) } ?? key)]
            return
        }
        var entries: [Entry] = []
        for material in materials {
            if let keyID {
                // The key chosen by --kid must load: its own error says why it cannot.
                guard case .jwk(let members) = material, members["kid"]?.stringValue == keyID else { continue }
                entries.append(Entry(material: material, key: try material.key(algorithm: algorithm, allowWeakSecret: allowWeakSecret)))
            } else if let key = try? material.key(algorithm: algorithm, allowWeakSecret: allowWeakSecret) {
                entries.append(Entry(material: material, key: key))
            }
        }
        guard !entries.isEmpty else {
            throw .invalidKey(keyID == nil ? "The JWK Set has no usable key" : "The JWK Set has no key with this kid")
        }
        _ = try JWTKeySet(entries.map(\.key))  // refuses two keys with one kid
        self.entries = entries
    }

    /// The only key.
    /// - Throws: `invalid_key` when a JWK Set holds several and `--kid` chose none.
    func single() throws(JWTAuthError) -> Entry {
        guard entries.count == 1 else { throw .invalidKey("The JWK Set holds several keys: choose one with --kid") }
        return entries[0]
    }

    /// The key that verifies a token with `header`, bound to the token's `alg`.
    ///
    /// With `fixed` (`--alg`), the token's `alg` must be it. Without, the token's `alg` is accepted when it
    /// fits the key's family: RS* and PS* for RSA, the curve's ES* for EC, EdDSA for Ed25519, HS* for a
    /// secret; `none` never.
    /// - Throws: `invalid_token`.
    func verificationKey(for header: JWSHeader, algorithm fixed: SigningAlgorithm?) throws(JWTAuthError) -> JWTKey {
        guard let name = header.algorithm, let algorithm = SigningAlgorithm(name: name), fixed == nil || fixed == algorithm else {
            throw .invalidToken("The specified alg value is not allowed")
        }
        let entry = try entry(keyID: header.keyID)
        if entry.key.algorithm == algorithm { return entry.key }
        guard fixed == nil, let rebound = try? entry.material.key(algorithm: algorithm, allowWeakSecret: allowWeakSecret) else {
            throw .invalidToken("The specified alg value does not match the key")
        }
        return rebound.withKeyID(entry.key.keyID)
    }

    /// The key a token's `kid` names. A single key without a `kid` of its own verifies any `kid`: the
    /// user named it. Without a `kid`, the only key, or the only key without a `kid`.
    private func entry(keyID: String?) throws(JWTAuthError) -> Entry {
        if let keyID {
            if let match = entries.first(where: { $0.key.keyID == keyID }) { return match }
            if !isSet, entries.count == 1, entries[0].key.keyID == nil { return entries[0] }
            throw .invalidToken("Unknown key id")
        }
        if entries.count == 1 { return entries[0] }
        let unnamed = entries.filter { $0.key.keyID == nil }
        guard unnamed.count == 1 else { throw .invalidToken("The token has no kid and the key set has no default key") }
        return unnamed[0]
    }
}
