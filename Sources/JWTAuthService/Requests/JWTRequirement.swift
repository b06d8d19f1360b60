/// What a route asks of its token: `@jwt_required(optional=, fresh=, refresh=, locations=)`.
public struct JWTRequirement: Sendable, Hashable {
    /// No token lets the request through anonymously; a bad token is still refused.
    public var isOptional: Bool
    /// The access token must be fresh.
    public var requiresFresh: Bool
    /// A refresh token is required instead of an access token.
    public var requiresRefresh: Bool
    /// Where to look, overriding the manager's locations. Defaults to nil: the manager's.
    public var locations: [TokenLocation]?

    public init(isOptional: Bool = false, requiresFresh: Bool = false, requiresRefresh: Bool = false, locations: [TokenLocation]? = nil) {
        self.isOptional = isOptional
        self.requiresFresh = requiresFresh
        self.requiresRefresh = requiresRefresh
        self.locations = locations
    }

    /// A valid access token.
    public static let required = Self()
    /// A valid access token, or none at all.
    public static let optional = Self(isOptional: true)
    /// A fresh access token.
    public static let fresh = Self(requiresFresh: true)
    /// A valid refresh token.
    public static let refresh = Self(requiresRefresh: true)
}
