public import JWTAuth

/// How the service stores one of its keys, in a key directory's `key-<kid>.pem` or PostgreSQL's `pem`
/// column: an `alg: NAME` line, then the PEM. A PEM alone does not say which algorithm an RSA key signs
/// with (RS256 … PS512), so without the line a PS256 key would come back as RS256 and every token it
/// signed would be refused. RFC 7468 §5.2 lets text precede the encapsulation boundary; a file without the
/// line (written before it existed) is read with the algorithm its key type implies.
public enum StoredKeyText {
    static let prefix = "alg: "

    /// The stored text of `key`, or nil for an HMAC key (never stored).
    public static func text(of key: JWTKey) -> String? {
        key.pemRepresentation.map { prefix + key.algorithm.name + "\n" + $0 }
    }

    /// The key in `text`, with the algorithm its `alg:` line names.
    public static func key(from text: String) throws(JWTAuthError) -> JWTKey {
        guard text.hasPrefix(prefix), let newline = text.firstIndex(of: "\n") else {
            return try JWTKey(pem: text, algorithm: nil)
        }
        let name = String(text[text.index(text.startIndex, offsetBy: prefix.count)..<newline])
        guard let algorithm = SigningAlgorithm(name: name), algorithm.isAsymmetric else {
            throw .invalidKey("Unknown stored key algorithm")
        }
        return try JWTKey(pem: String(text[text.index(after: newline)...]), algorithm: algorithm)
    }
}
