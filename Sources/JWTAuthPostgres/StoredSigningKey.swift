/// A row of `jwt_auth_signing_keys`: one of the service's signing keys, shared by every instance.
public struct StoredSigningKey: Sendable, Hashable {
    /// The key's `kid` (its RFC 7638 thumbprint).
    public let keyID: String
    /// The key as PEM: the private key for a generated key (a secret), the public half for a key file's key.
    public let pem: String
    /// Whether the service signs with it.
    public let isCurrent: Bool
    /// When a key that is no longer current stops verifying (Unix time); nil while not stamped.
    public let retireAt: Double?

    public init(keyID: String, pem: String, isCurrent: Bool, retireAt: Double?) {
        self.keyID = keyID
        self.pem = pem
        self.isCurrent = isCurrent
        self.retireAt = retireAt
    }
}
