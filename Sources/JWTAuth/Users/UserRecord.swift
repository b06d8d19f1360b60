/// A user as the stores keep it. `id` is the decimal string that tokens carry as `sub`.
public struct UserRecord: Sendable, Hashable {
    public var id: String
    /// The name as entered (RFC 8265's UsernameCasePreserved form); compared by its ``Username/key(_:)``.
    public var username: String
    /// The bcrypt hash of the password. Never shown, never logged.
    public var passwordHash: String
    public var roles: [String]
    public var isDisabled: Bool
    /// Seconds since 1970.
    public var createdAt: Double

    public init(id: String, username: String, passwordHash: String, roles: [String] = [], isDisabled: Bool = false, createdAt: Double) {
        self.id = id
        self.username = username
        self.passwordHash = passwordHash
        self.roles = roles
        self.isDisabled = isDisabled
        self.createdAt = createdAt
    }
}
