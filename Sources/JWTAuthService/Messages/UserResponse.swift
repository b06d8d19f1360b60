public import JWTAuth

/// The body of `POST /auth/register` (201) and `GET /auth/me`: `{"id": …, "username": …, "roles": […]}`.
/// The password hash and account state are never part of it.
public struct UserResponse: Codable, Sendable, Equatable {
    /// The user's stable identifier (the tokens' `sub`).
    public var id: String
    /// The name as registered.
    public var username: String
    public var roles: [String]

    public init(id: String, username: String, roles: [String] = []) {
        self.id = id
        self.username = username
        self.roles = roles
    }

    /// The public part of a stored user.
    public init(_ user: UserRecord) {
        self.init(id: user.id, username: user.username, roles: user.roles)
    }
}

extension UserResponse: ResponseMessage {}
