/// The protected header of a JWS, as read from a token. Only `alg`, `typ`, `kid` and `crit` mean
/// anything to JWTAuth: embedded keys and key URLs (`jwk`, `jku`, `x5u`, `x5c`) are never fetched or trusted.
public struct JWSHeader: Sendable, Hashable {
    /// Every member, as parsed.
    public let members: [String: JSONValue]

    /// The `alg` member, if it is a string.
    public let algorithm: String?
    /// The `typ` member, if it is a string.
    public let type: String?
    /// The `kid` member, if it is a string.
    public let keyID: String?

    public init(members: [String: JSONValue]) {
        self.members = members
        // Read once here: verification asks for alg and kid of every token.
        self.algorithm = members["alg"]?.stringValue
        self.type = members["typ"]?.stringValue
        self.keyID = members["kid"]?.stringValue
    }
}
