/// A ``RevocationStore`` that only checks, with one closure over a blocklist you keep yourself:
/// Flask-JWT-Extended's `token_in_blocklist_loader`.
///
/// ```swift
/// let verifier = try TokenVerifier(keys: keys, revocationStore: RevocationCheck { query in
///     try await blocklist.contains(query.tokenID)
/// })
/// ```
///
/// The closure sees the token's `jti`, `sid`, `sub` and `iat` (a ``RevocationQuery``) and returns whether the
/// token is revoked; when it throws, the verifier fails closed with `unavailable`. It is consulted on every
/// request, so keep it fast.
///
/// It records nothing: revoke through your own blocklist. Its ``revoke(tokenID:until:)``,
/// ``revoke(sessionID:until:)`` and ``revokeAll(subject:issuedBefore:)`` throw `invalid_configuration`: the auth
/// routes (`AuthService`), which revoke at logout, need a store that records, such as ``MemoryRevocationStore`` or a
/// database's.
public struct RevocationCheck: RevocationStore {
    /// Whether the token a query describes is revoked.
    public let check: @Sendable (RevocationQuery) async throws -> Bool

    /// A check answering with `check`.
    public init(_ check: @escaping @Sendable (RevocationQuery) async throws -> Bool) {
        self.check = check
    }

    /// What ``check`` answers for `query`.
    public func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        try await check(query)
    }

    /// Throws `invalid_configuration`: add the `jti` to your own blocklist.
    public func revoke(tokenID: String, until: Double) async throws {
        throw Self.readOnly
    }

    /// Throws `invalid_configuration`: add the `sid` to your own blocklist.
    public func revoke(sessionID: String, until: Double) async throws {
        throw Self.readOnly
    }

    /// Throws `invalid_configuration`: record the cutoff in your own blocklist.
    public func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        throw Self.readOnly
    }

    static let readOnly = JWTAuthError.invalidConfiguration(
        "RevocationCheck only checks: revoke through your own blocklist, or use a RevocationStore that records"
    )
}
