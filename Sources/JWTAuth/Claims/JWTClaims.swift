/// A JWT claims set: the registered claims as typed properties, every other claim by name.
public struct JWTClaims: Sendable, Hashable {
    /// Every claim, as parsed or as it will be written.
    public var members: [String: JSONValue]

    public init(members: [String: JSONValue] = [:]) {
        self.members = members
    }

    /// The claim `name`, if present.
    public subscript(name: String) -> JSONValue? {
        get { members[name] }
        set { members[name] = newValue }
    }

    /// `sub`: the identity.
    public var subject: String? { members["sub"]?.stringValue }
    /// `iss`.
    public var issuer: String? { members["iss"]?.stringValue }
    /// `aud`, a string or an array of strings, as an array.
    public var audience: [String] {
        switch members["aud"] {
        case .string(let value): [value]
        case .array(let values): values.compactMap(\.stringValue)
        default: []
        }
    }
    /// `exp`, seconds since 1970.
    public var expiresAt: Double? { members["exp"]?.doubleValue }
    /// `nbf`, seconds since 1970.
    public var notBefore: Double? { members["nbf"]?.doubleValue }
    /// `iat`, seconds since 1970.
    public var issuedAt: Double? { members["iat"]?.doubleValue }
    /// `jti`: the token's unique id.
    public var id: String? { members["jti"]?.stringValue }
    /// `type`: access or refresh.
    public var tokenType: TokenType? { members["type"]?.stringValue.map(TokenType.init) }
    /// `sid`: the session the token belongs to.
    public var sessionID: String? { members["sid"]?.stringValue }
    /// `csrf`: the double-submit value when cookies carry the token.
    public var csrf: String? { members["csrf"]?.stringValue }

    /// `fresh`: `true`/`false` or a numeric deadline; absent counts as not fresh.
    public var freshness: Freshness {
        switch members["fresh"] {
        case .bool(true): .fresh
        case .int(let deadline): .until(Double(deadline))
        case .double(let deadline): .until(deadline)
        default: .notFresh
        }
    }

    /// A string claim.
    public func string(_ name: String) -> String? { members[name]?.stringValue }

    /// A claim that is a string or an array of strings (such as `roles` or `scope`), as an array.
    ///
    /// A space-separated string (the OAuth `scope` form) is split.
    public func strings(_ name: String) -> [String] {
        switch members[name] {
        case .string(let value): value.split(separator: " ").map(String.init)
        case .array(let values): values.compactMap(\.stringValue)
        default: []
        }
    }
}
