/// The `type` claim: what a token may be used for.
public struct TokenType: Sendable, Hashable, CustomStringConvertible {
    /// The claim value, `access` or `refresh`.
    public let name: String
    public init(_ name: String) { self.name = name }
    public var description: String { name }

    /// Grants access to protected routes.
    public static let access = Self("access")
    /// Only obtains new tokens.
    public static let refresh = Self("refresh")
}

/// The `fresh` claim of an access token: fresh (just logged in), not fresh (refreshed), or fresh
/// until a deadline (seconds since 1970).
public enum Freshness: Sendable, Hashable {
    case fresh
    case notFresh
    case until(Double)

    /// Whether the token counts as fresh at `now`.
    public func isFresh(at now: Double) -> Bool {
        switch self {
        case .fresh: true
        case .notFresh: false
        case .until(let deadline): now < deadline
        }
    }

    var json: JSONValue {
        switch self {
        case .fresh: .bool(true)
        case .notFresh: .bool(false)
        case .until(let deadline): Int64(exactly: deadline).map(JSONValue.int) ?? .double(deadline)
        }
    }
}
