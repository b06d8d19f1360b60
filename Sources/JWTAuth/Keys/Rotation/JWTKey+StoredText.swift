extension JWTKey {
    private static let storedTextPrefix = "alg: "

    /// The text a ``KeyStore`` keeps for this key: an `alg: NAME` line, then the PEM; nil for an HMAC key,
    /// which is never stored.
    ///
    /// A PEM alone does not say which algorithm an RSA key signs with (RS256 … PS512), so without the line a
    /// PS256 key would come back as RS256 and every token it signed would be refused. RFC 7468 §5.2 lets text
    /// precede the encapsulation boundary, so the text is still a PEM file.
    public var storedText: String? {
        pemRepresentation.map { Self.storedTextPrefix + algorithm.name + "\n" + $0 }
    }

    /// The key in `storedText` (see ``storedText``), with the algorithm its `alg:` line names. Text without
    /// the line, a plain PEM, is read with the algorithm its key type implies.
    /// - Throws: `invalid_key` for an unknown or symmetric algorithm, or a PEM that cannot be read.
    public init(storedText text: String) throws(JWTAuthError) {
        guard text.hasPrefix(Self.storedTextPrefix), let newline = text.firstIndex(of: "\n") else {
            self = try JWTKey(pem: text, algorithm: nil)
            return
        }
        let name = String(text[text.index(text.startIndex, offsetBy: Self.storedTextPrefix.count)..<newline])
        guard let algorithm = SigningAlgorithm(name: name), algorithm.isAsymmetric else {
            throw .invalidKey("Unknown stored key algorithm")
        }
        self = try JWTKey(pem: String(text[text.index(after: newline)...]), algorithm: algorithm)
    }
}
