/// The protected header of a JWS, as read from a token. Only `alg`, `typ`, `kid` and `crit` mean
/// anything to JWTAuth: embedded keys and key URLs (`jwk`, `jku`, `x5u`, `x5c`) are never fetched or trusted.
public struct JWSHeader: Sendable, Hashable {
    /// Every member, as parsed.
    public let members: [String: JSONValue]

    public init(members: [String: JSONValue]) {
        self.members = members
    }

    /// The `alg` member, if it is a string.
    public var algorithm: String? { members["alg"]?.stringValue }
    /// The `typ` member, if it is a string.
    public var type: String? { members["typ"]?.stringValue }
    /// The `kid` member, if it is a string.
    public var keyID: String? { members["kid"]?.stringValue }
}
