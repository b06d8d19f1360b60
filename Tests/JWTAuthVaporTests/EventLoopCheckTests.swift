#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTestSupport
import JWTAuthTesting
import JWTAuthVapor
import NIOCore
import Testing
import Vapor
import VaporTesting

/// A bearer token checked against an in-memory revocation store is checked on the request's event loop; every
/// other request in a task. Both answer alike.
@Suite struct EventLoopCheckTests {
    @Test(.bug(id: 17, "JWTAuthVapor: a synchronous check for bearer tokens"))
    func theEventLoopCheckAnswersLikeTheTask() async throws {
        let fixture = try VaporFixture()
        let good = try fixture.issuer.accessToken(for: "42")
        let fresh = try fixture.issuer.accessToken(for: "43", fresh: .fresh)
        let refresh = try fixture.issuer.refreshToken(for: "44")
        let revoked = try fixture.issuer.accessToken(for: "45")
        let endedSession = try fixture.issuer.accessToken(for: "46")
        let noJTI = try fixture.factory.token(claims: [
            "sub": "47", "type": "access", "iat": .int(Int64(fixture.clock.now)), "exp": .int(Int64(fixture.clock.now) + 600),
        ])
        let expiring = try fixture.issuer.accessToken(for: "48", expiresIn: .seconds(5))
        await fixture.store.revoke(tokenID: try #require(revoked.claims.id), until: revoked.expiresAt)
        await fixture.store.revoke(sessionID: try #require(endedSession.claims.sessionID), until: endedSession.expiresAt)
        fixture.clock.advance(by: .seconds(60))

        func bearer(_ values: String...) -> HTTPHeaders {
            HTTPHeaders(values.map { ("Authorization", $0) })
        }
        let requests: [(HTTPMethod, String, HTTPHeaders)] = [
            (.GET, "/required", bearer("Bearer \(good.token)")),
            (.GET, "/required", ["authorization": "Bearer \(good.token)"]),
            (.POST, "/required", ["AUTHORIZATION": "Bearer \(good.token)"]),
            (.GET, "/required/admin", bearer("Bearer \(good.token)")),
            (.GET, "/optional", bearer("Bearer \(good.token)")),
            (.GET, "/optional", [:]),
            (.GET, "/required", [:]),
            (.OPTIONS, "/required", [:]),
            (.GET, "/fresh", bearer("Bearer \(good.token)")),
            (.GET, "/fresh", bearer("Bearer \(fresh.token)")),
            (.GET, "/refresh", bearer("Bearer \(good.token)")),
            (.GET, "/refresh", bearer("Bearer \(refresh.token)")),
            (.GET, "/required", bearer("Bearer \(refresh.token)")),
            (.GET, "/required", bearer("Bearer \(revoked.token)")),
            (.GET, "/required", bearer("Bearer \(endedSession.token)")),
            (.GET, "/required", bearer("Bearer \(noJTI)")),
            (.GET, "/required", bearer("Bearer \(expiring.token)")),
            (.GET, "/required", bearer("Bearer not.a.token")),
            (.GET, "/required", bearer("Basic dXNlcjpwYXNz")),
            (.GET, "/required", bearer("Bearer \(good.token)", "Bearer \(good.token)")),
            (.GET, "/required", HTTPHeaders([("Authorization", "Bearer \(good.token)"), ("authorization", "Bearer x")])),
        ]
        var answers: [[String]] = []
        for store in [fixture.store as any RevocationStore, fixture.store.awaited] {
            var these: [String] = []
            try await fixture.withApp(try fixture.manager(revocationStore: store)) { app in
                for (method, path, headers) in requests {
                    let response = try await app.send(method, path, headers: headers)
                    these.append("\(method) \(path) \(response.status.code) \(response.text) \(response.headers[.wwwAuthenticate])")
                }
            }
            answers.append(these)
        }
        #expect(answers[0] == answers[1])
        // A sample of what both said.
        #expect(answers[0][0] == #"GET /required 200 {"user":"42"} []"#)
        #expect(answers[0][13].contains("token_revoked"))
        #expect(answers[0][14].contains("token_revoked"))
        #expect(answers[0][16].contains("token_expired"))
        #expect(answers[0][19].contains("invalid_header"))
        #expect(answers[0][20].contains("invalid_header"))
    }

    @Test(.bug(id: 17, "JWTAuthVapor: a synchronous check for bearer tokens"))
    func onlyWhatAnswersAtOnceIsCheckedOnTheEventLoop() throws {
        let fixture = try VaporFixture()
        let memory = try fixture.factory.verifier(revocationStore: fixture.store)
        #expect(memory.checksRevocationSynchronously(type: .access))
        #expect(memory.checksRevocationSynchronously(type: .refresh))
        #expect(try fixture.factory.verifier().checksRevocationSynchronously(type: .access))
        #expect(!(try fixture.factory.verifier(revocationStore: fixture.store.awaited).checksRevocationSynchronously(type: .access)))
        // A refresh token's session is looked up in the session store, which is awaited.
        let sessions = memory.checkingSessions(in: MemoryUserStore())
        #expect(sessions.checksRevocationSynchronously(type: .access))
        #expect(!sessions.checksRevocationSynchronously(type: .refresh))
    }
}
#endif
