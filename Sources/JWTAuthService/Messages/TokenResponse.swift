public import JWTAuth

/// The body of a successful login, fresh login or refresh:
/// `{"access_token": …, "refresh_token": …, "token_type": "Bearer", "expires_in": …}`.
/// A fresh login gives an access token only, and the body then has no `refresh_token` member.
public struct TokenResponse: Codable, Sendable, Equatable {
    /// The compact JWS of the access token.
    public var accessToken: String
    /// The compact JWS of the refresh token; nil (and absent from the JSON) after a fresh login.
    public var refreshToken: String?
    /// How to present the access token. Defaults to `Bearer`.
    public var tokenType: String
    /// Seconds the access token lives.
    public var expiresIn: Int

    public init(accessToken: String, refreshToken: String? = nil, tokenType: String = "Bearer", expiresIn: Int) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.tokenType = tokenType
        self.expiresIn = expiresIn
    }

    /// The body for issued tokens; `expiresIn` is the access token's lifetime in seconds
    /// (``AuthService/accessTokenLifetime``).
    public init(access: IssuedToken, refresh: IssuedToken? = nil, expiresIn: Int) {
        self.init(accessToken: access.token, refreshToken: refresh?.token, expiresIn: expiresIn)
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}

extension TokenResponse: ResponseMessage {}

extension TokenResponse: CustomStringConvertible {
    /// Never shows the tokens.
    public var description: String {
        "TokenResponse(accessToken: <redacted>, refreshToken: \(refreshToken == nil ? "nil" : "<redacted>"), "
            + "tokenType: \(tokenType), expiresIn: \(expiresIn))"
    }
}
