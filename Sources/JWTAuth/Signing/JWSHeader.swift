/// The protected header of a JWS, as read from a token. Only `alg`, `typ`, `kid` and `crit` mean
/// anything to JWTAuth: embedded keys and key URLs (`jwk`, `jku`, `x5u`, `x5c`) are never fetched or trusted.
///
/// Two headers are equal when their members are.
public struct JWSHeader: Sendable, Hashable {
    /// Every member, as parsed.
    public var members: [String: JSONValue] { storage.members }

    /// The `alg` member, if it is a string.
    public var algorithm: String? { storage.algorithm }
    /// The `typ` member, if it is a string.
    public var type: String? { storage.type }
    /// The `kid` member, if it is a string.
    public var keyID: String? { storage.keyID }

    /// The header in one immutable reference: a verified token, and the identity of a request that carries it, are
    /// copied several times on the way to a handler, and a copy of a header is then one retain instead of four.
    private let storage: Storage

    public init(members: [String: JSONValue]) {
        storage = Storage(members: members)
    }

    public static func == (left: JWSHeader, right: JWSHeader) -> Bool {
        left.storage === right.storage || left.storage.members == right.storage.members
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage.members)
    }

    private final class Storage: Sendable {
        let members: [String: JSONValue]
        let algorithm: String?
        let type: String?
        let keyID: String?

        init(members: [String: JSONValue]) {
            self.members = members
            // Read once here: verification asks for alg and kid of every token.
            self.algorithm = members["alg"]?.stringValue
            self.type = members["typ"]?.stringValue
            self.keyID = members["kid"]?.stringValue
        }
    }
}
