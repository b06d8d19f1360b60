/// The body of `POST /auth/login` and `POST /auth/fresh-login`: `{"username": …, "password": …}`.
public struct LoginRequest: Codable, Sendable, Equatable {
    /// The name the account was registered under; compared by ``Credentials/comparisonKey(_:)``.
    public var username: String
    /// The account's password.
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }
}

extension LoginRequest: RequestMessage {}

extension LoginRequest: CustomStringConvertible {
    /// The username only: the password is never shown.
    public var description: String { "LoginRequest(username: \(username.debugDescription), password: <redacted>)" }
}

/// The body of `POST /auth/register`: the members of a login, `{"username": …, "password": …}`, checked as a new
/// name (``Credentials/username(_:)``) and a new password (``Credentials/password(_:field:)``).
public typealias RegisterRequest = LoginRequest
