/// The protected header of a JWE, as read from a token. Embedded keys and key URLs (`jwk`, `jku`, `x5u`, `x5c`)
/// are never fetched or trusted; `epk` is only ever read as a point on the recipient key's own curve.
public struct JWEHeader: Sendable, Hashable {
    /// Every member, as parsed.
    public let members: [String: JSONValue]
    /// The `alg` member: the key management algorithm.
    public let algorithm: String?
    /// The `enc` member: the content encryption algorithm.
    public let encryption: String?
    /// The `kid` member, if it is a string.
    public let keyID: String?
    /// The `cty` member, if it is a string: `JWT` for a nested token.
    public let contentType: String?
    /// The `typ` member, if it is a string.
    public let type: String?

    public init(members: [String: JSONValue]) {
        self.members = members
        self.algorithm = members["alg"]?.stringValue
        self.encryption = members["enc"]?.stringValue
        self.keyID = members["kid"]?.stringValue
        self.contentType = members["cty"]?.stringValue
        self.type = members["typ"]?.stringValue
    }

    /// Whether `cty` says the plaintext is a JWT (RFC 7519 §5.2), compared without regard to case.
    public var isNested: Bool {
        guard let contentType else { return false }
        return contentType.lowercased() == "jwt" || contentType.lowercased() == "application/jwt"
    }
}
