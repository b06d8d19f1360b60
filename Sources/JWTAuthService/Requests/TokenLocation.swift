/// Where a request may carry its token. Locations are tried in the order configured.
public struct TokenLocation: Sendable, Hashable, CustomStringConvertible {
    public let name: String
    private init(_ name: String) { self.name = name }
    public var description: String { name }

    /// `Authorization: Bearer <token>`.
    public static let headers = Self("headers")
    /// `access_token_cookie` / `refresh_token_cookie`, with CSRF double submit on state-changing methods.
    public static let cookies = Self("cookies")
    /// The query parameter `jwt`. Off by default: URLs end up in logs.
    public static let query = Self("query")
    /// The JSON body's `access_token` / `refresh_token` member. Off by default.
    public static let json = Self("json")

    /// A location by its configuration name (`headers`, `cookies`, `query`, `json`).
    public init?(name: String) {
        switch name {
        case "headers": self = .headers
        case "cookies": self = .cookies
        case "query": self = .query
        case "json": self = .json
        default: return nil
        }
    }
}
