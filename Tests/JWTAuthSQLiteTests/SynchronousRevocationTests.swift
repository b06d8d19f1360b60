import JWTAuth
import JWTAuthTesting
import Testing

@testable import JWTAuthSQLite

/// The SQLite store answers a request's revocation check from its index without suspending, so that an adapter
/// checks a bearer token on the spot; the answers are the awaited check's, and a closed store fails closed.
@Suite(.bug(id: 21, "A request's revocation check over SQLite does not suspend")) struct SynchronousRevocationTests {
    @Test func aVerifierOverTheStoreAnswersAtOnceAsItDoesWhenAwaited() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let factory = try TokenFactory()
        let store = try await SQLiteStore(path: directory.newFile(), clock: factory.clock.clock)
        let verifier = try factory.verifier(revocationStore: store)
        #expect(verifier.checksRevocationSynchronously(type: .access))

        let good = try factory.issuer.accessToken(for: "1", sessionID: "live")
        let byID = try factory.issuer.accessToken(for: "2")
        let bySession = try factory.issuer.accessToken(for: "3", sessionID: "ended")
        let bySubject = try factory.issuer.accessToken(for: "4")
        try await store.revoke(tokenID: byID.id, until: byID.expiresAt)
        try await store.revoke(sessionID: "ended", until: bySession.expiresAt)
        try await store.revokeAll(subject: "4", issuedBefore: factory.clock.now + 1)

        let verified = try verifier.decode(good.token)
        #expect(try verifier.checkRevocationSynchronously(verified))
        try await verifier.checkRevocation(verified)
        for revoked in [byID, bySession, bySubject] {
            let verified = try verifier.decode(revoked.token)
            #expect(throws: JWTAuthError.tokenRevoked) { try verifier.checkRevocationSynchronously(verified) }
            await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.checkRevocation(verified) }
        }

        try await store.close()
        #expect(throws: SQLiteStoreError.closed) { try store.isRevokedSynchronously(RevocationQuery(tokenID: good.id)) }
        #expect(throws: JWTAuthError.unavailable("The revocation store is unavailable")) { try verifier.checkRevocationSynchronously(verified) }
    }

    @Test func aRefreshTokenIsLeftToTheSessionStore() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let factory = try TokenFactory()
        let store = try await SQLiteStore(path: directory.newFile(), clock: factory.clock.clock)
        let verifier = try factory.verifier(revocationStore: store).checkingSessions(in: store)
        #expect(verifier.checksRevocationSynchronously(type: .access))
        #expect(!verifier.checksRevocationSynchronously(type: .refresh))
        let refresh = try factory.issuer.refreshToken(for: "1", sessionID: "s")
        #expect(try !verifier.checkRevocationSynchronously(verifier.decode(refresh.token, as: .refresh)), "decided nothing")
        try await store.close()
    }
}
