import JWTAuth

/// A revocation store that is down: every call throws, as a store whose server is unreachable does.
struct FailingRevocationStore: RevocationStore {
    struct Down: Error {}

    func revoke(tokenID: String, until: Double) async throws { throw Down() }
    func revoke(sessionID: String, until: Double) async throws { throw Down() }
    func revokeAll(subject: String, issuedBefore cutoff: Double) async throws { throw Down() }
    func spend(refreshTokenID: String, until: Double) async throws -> Bool { throw Down() }
    func isRevoked(_ query: RevocationQuery) async throws -> Bool { throw Down() }
}
