import JWTAuth
import JWTAuthTesting
import Synchronization
import Testing

/// `RevocationCheck`: a one-closure `token_in_blocklist_loader` over a blocklist the application keeps.
@Suite struct RevocationCheckTests {
    /// The application's own blocklist of `jti`s and `sid`s, recording what the check was asked.
    final class Blocklist: Sendable {
        let revoked = Mutex<Set<String>>([])
        let asked = Mutex<[RevocationQuery]>([])

        func contains(_ query: RevocationQuery) -> Bool {
            asked.withLock { $0.append(query) }
            return revoked.withLock { revoked in
                revoked.contains(query.tokenID) || query.sessionID.map { revoked.contains($0) } == true
            }
        }
    }

    @Test func theClosureDecidesAndSeesTheTokensClaims() async throws {
        let factory = try TokenFactory()
        let blocklist = Blocklist()
        let verifier = try factory.verifier(revocationStore: RevocationCheck { query in blocklist.contains(query) })
        let pair = try factory.issuer.tokenPair(for: "42")

        #expect(try await verifier.verify(pair.access.token).subject == "42")
        let query = try #require(blocklist.asked.withLock { $0.last })
        #expect(query.tokenID == pair.access.id)
        #expect(query.sessionID == pair.access.sessionID && query.subject == "42" && query.issuedAt == pair.access.claims.issuedAt)

        blocklist.revoked.withLock { _ = $0.insert(pair.access.id) }
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(pair.access.token) }
        #expect(try await verifier.verify(pair.refresh.token, as: .refresh).subject == "42", "another jti of the session")

        let session = try #require(pair.refresh.sessionID)
        blocklist.revoked.withLock { _ = $0.insert(session) }
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(pair.refresh.token, as: .refresh) }
    }

    /// A closure that throws fails closed: `unavailable`, never an unchecked token.
    @Test func aThrowingCheckFailsClosed() async throws {
        struct Down: Error {}
        let factory = try TokenFactory()
        let verifier = try factory.verifier(revocationStore: RevocationCheck { _ in throw Down() })
        let token = try factory.issuer.accessToken(for: "42").token
        await #expect(throws: JWTAuthError.unavailable()) { try await verifier.verify(token) }
    }

    /// It records nothing: every write throws `invalid_configuration` rather than pretend.
    @Test func writesThrow() async throws {
        let check = RevocationCheck { _ in false }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) { try await check.revoke(tokenID: "j", until: 1) }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) { try await check.revoke(sessionID: "s", until: 1) }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) { try await check.revokeAll(subject: "42", issuedBefore: 1) }
        #expect(try await check.isRevoked(RevocationQuery(tokenID: "j")) == false)
    }
}
