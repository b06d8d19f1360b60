/// The body of `PUT /auth/password`: `{"new_password": …}`. The fresh access token that comes with the
/// request proves the current password, so the body carries only the new one.
public struct ChangePasswordRequest: Codable, Sendable, Equatable {
    /// The password to set, checked by ``Credentials/password(_:field:)``.
    public var newPassword: String

    public init(newPassword: String) {
        self.newPassword = newPassword
    }

    enum CodingKeys: String, CodingKey {
        case newPassword = "new_password"
    }
}

extension ChangePasswordRequest: RequestMessage {}

extension ChangePasswordRequest: CustomStringConvertible {
    /// Never shows the password.
    public var description: String { "ChangePasswordRequest(newPassword: <redacted>)" }
}
