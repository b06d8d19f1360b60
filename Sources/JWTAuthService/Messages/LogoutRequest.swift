/// The optional body of `POST /auth/logout`: `{"refresh_token": …}`, naming the refresh token of the
/// session to end as well when the access token alone does not (a token of the same user only).
public struct LogoutRequest: Codable, Sendable, Equatable {
    /// A refresh token to revoke along with the access token. Defaults to nil.
    public var refreshToken: String?

    public init(refreshToken: String? = nil) {
        self.refreshToken = refreshToken
    }

    enum CodingKeys: String, CodingKey {
        case refreshToken = "refresh_token"
    }
}

extension LogoutRequest: RequestMessage {}

extension LogoutRequest: CustomStringConvertible {
    /// Never shows the token.
    public var description: String { "LogoutRequest(refreshToken: \(refreshToken == nil ? "nil" : "<redacted>"))" }
}
