import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Testing

/// A cookie session's access token is re-issued when it nears its end, or after it, while the refresh
/// cookie is good. Time moves with the settable clock.
@Suite struct ImplicitRefreshTests {
    let fixture: AuthFixture
    let pair: TokenPair

    init() throws {
        fixture = try AuthFixture()
        pair = try fixture.pair()
    }

    func app(implicitRefresh: Duration? = .seconds(300)) throws -> some ApplicationProtocol {
        fixture.app(try fixture.manager(locations: [.cookies], implicitRefresh: implicitRefresh))
    }

    var bothCookies: TokenRequest {
        TokenRequest("/required").carrying(pair.access.token, at: .cookies).carrying(pair.refresh.token, at: .cookies, refresh: true)
    }

    /// The re-issued access token in `response`, checked against the original session.
    func reissued(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) throws -> VerifiedToken {
        let cookies = setCookies(response.headers)
        #expect(cookies.keys.sorted() == ["access_token_cookie", "csrf_access_token"], sourceLocation: sourceLocation)
        let cookie = try #require(cookies["access_token_cookie"], sourceLocation: sourceLocation)
        #expect(cookie.has("HttpOnly"), sourceLocation: sourceLocation)
        #expect(cookie.value != pair.access.token, sourceLocation: sourceLocation)
        let token = try fixture.factory.verifier().decode(cookie.value, as: .access)
        #expect(token.claims.sessionID == pair.access.sessionID, "same session", sourceLocation: sourceLocation)
        #expect(token.claims.subject == "42", sourceLocation: sourceLocation)
        #expect(token.claims.freshness == .notFresh, "a refresh never gives a fresh token", sourceLocation: sourceLocation)
        #expect(token.claims.csrf == pair.access.claims.csrf, "the browser's CSRF cookie stays valid", sourceLocation: sourceLocation)
        #expect(token.claims.strings("roles") == ["user"], "other claims are kept", sourceLocation: sourceLocation)
        #expect(token.claims.id != pair.access.id, sourceLocation: sourceLocation)
        #expect(cookies["csrf_access_token"]?.value == pair.access.claims.csrf, sourceLocation: sourceLocation)
        return token
    }

    @Test func aFreshCookieIsLeftAlone() async throws {
        fixture.clock.advance(by: .seconds(599))  // 301 s left
        try await app().test(.router) { client in
            let response = try await client.send(bothCookies)
            expectUser(response, "42")
            #expect(response.headers[values: .setCookie].isEmpty)
        }
    }

    @Test func aRouteThatClearsTheCookiesDoesNotGetTheReissuedOneBack() async throws {
        fixture.clock.advance(by: .seconds(16 * 60))  // expired: the refresh cookie brings a new one
        let manager = try fixture.manager(locations: [.cookies], implicitRefresh: .seconds(300))
        let app = fixture.app(manager) { router in
            router.group("signout").add(middleware: manager.middleware(.required)).get { _, _ in
                var response = Response(status: .seeOther, headers: [.location: "/"])
                manager.unsetCookies(on: &response)
                return response
            }
        }
        try await app.test(.router) { client in
            let request = TokenRequest("/signout").carrying(pair.access.token, at: .cookies)
                .carrying(pair.refresh.token, at: .cookies, refresh: true)
            let response = try await client.send(request)
            #expect(response.status == .seeOther)
            let cookies = response.headers[values: .setCookie]
            #expect(cookies.count == 4, "only the four cleared cookies")
            #expect(cookies.allSatisfy { $0.contains("Max-Age=0") })
        }
    }

    @Test func aCookieNearItsEndIsReissued() async throws {
        fixture.clock.advance(by: .seconds(11 * 60))  // 4 minutes left, under the 5-minute threshold
        try await app().test(.router) { client in
            let response = try await client.send(TokenRequest("/required").carrying(pair.access.token, at: .cookies))
            expectUser(response, "42")
            let token = try reissued(response)
            #expect(token.claims.expiresAt == fixture.clock.now + 900)
        }
    }

    @Test func anExpiredCookieIsReplacedFromTheRefreshCookie() async throws {
        fixture.clock.advance(by: .seconds(16 * 60))
        try await app().test(.router) { client in
            let response = try await client.send(bothCookies)
            expectUser(response, "42")
            _ = try reissued(response)
        }
    }

    @Test func aMissingAccessCookieIsReplacedFromTheRefreshCookie() async throws {
        try await app().test(.router) { client in
            let response = try await client.send(TokenRequest("/required").carrying(pair.refresh.token, at: .cookies, refresh: true))
            expectUser(response, "42")
            _ = try reissued(response)
        }
    }

    @Test func theRefreshCookieNeedsTheCSRFValueOnPost() async throws {
        fixture.clock.advance(by: .seconds(16 * 60))
        let request = bothCookies.withMethod(.post)
        try await app().test(.router) { client in
            expectError(try await client.send(request), .unauthorized, "csrf_failed", "Missing CSRF token", challenge: .invalidToken)
            let response = try await client.send(request.withCSRF(pair.refresh.claims.csrf ?? ""))
            expectUser(response, "42")
            _ = try reissued(response)
        }
    }

    @Test func aRevokedSessionIsRefused() async throws {
        await fixture.store.revoke(sessionID: try #require(pair.refresh.sessionID), until: pair.refresh.expiresAt)
        fixture.clock.advance(by: .seconds(16 * 60))
        try await app().test(.router) { client in
            let response = try await client.send(bothCookies)
            expectError(response, .unauthorized, "token_revoked", "Token has been revoked", challenge: .invalidToken)
            #expect(response.headers[values: .setCookie].isEmpty)
            let refreshOnly = try await client.send(TokenRequest("/required").carrying(pair.refresh.token, at: .cookies, refresh: true))
            expectError(refreshOnly, .unauthorized, "token_revoked", "Token has been revoked", challenge: .invalidToken)
        }
    }

    @Test func anExpiredRefreshCookieLeavesTheAccessCookieExpired() async throws {
        fixture.clock.now = pair.refresh.expiresAt + 1
        try await app().test(.router) { client in
            let response = try await client.send(bothCookies)
            expectError(response, .unauthorized, "token_expired", "Token has expired", challenge: .invalidToken)
            #expect(response.headers[values: .setCookie].isEmpty)
        }
    }

    @Test func offWhenImplicitRefreshIsNil() async throws {
        try await app(implicitRefresh: nil).test(.router) { client in
            fixture.clock.advance(by: .seconds(11 * 60))
            let near = try await client.send(bothCookies)
            expectUser(near, "42")
            #expect(near.headers[values: .setCookie].isEmpty)
            fixture.clock.advance(by: .seconds(5 * 60))
            expectError(try await client.send(bothCookies), .unauthorized, "token_expired", "Token has expired", challenge: .invalidToken)
            let refreshOnly = try await client.send(TokenRequest("/required").carrying(pair.refresh.token, at: .cookies, refresh: true))
            expectError(refreshOnly, .unauthorized, "missing_token", #"Missing cookie "access_token_cookie""#, challenge: .realm)
        }
    }

    /// Fresh and refresh routes never take a re-issued (non-fresh, access) token.
    @Test func freshAndRefreshRoutesAreNotRefreshedImplicitly() async throws {
        fixture.clock.advance(by: .seconds(16 * 60))
        try await app().test(.router) { client in
            expectError(
                try await client.send(TokenRequest("/fresh").carrying(pair.access.token, at: .cookies)),
                .unauthorized,
                "token_expired",
                "Token has expired",
                challenge: .invalidToken
            )
            let refresh = try await client.send(TokenRequest("/refresh").carrying(pair.refresh.token, at: .cookies, refresh: true))
            expectUser(refresh, "42")
            #expect(refresh.headers[values: .setCookie].isEmpty)
        }
    }

    /// Tokens from headers are never re-issued as cookies.
    @Test func headerTokensAreNotReissued() async throws {
        fixture.clock.advance(by: .seconds(11 * 60))
        let manager = try fixture.manager(locations: [.headers, .cookies], implicitRefresh: .seconds(300))
        try await fixture.app(manager).test(.router) { client in
            let response = try await client.send(TokenRequest("/required").carrying(pair.access.token, at: .headers))
            expectUser(response, "42")
            #expect(response.headers[values: .setCookie].isEmpty)
        }
    }

    /// With the session store given to the verifier, a refresh cookie is good only while its session lives there
    /// (its revocation in the per-request store lasts only as long as its access tokens), and a re-issued token is
    /// noted in the session, so that ending it revokes that token for as long as it lasts.
    @Test(.bug(id: 20, "a refresh cookie of a logged-out session must not bring new access tokens once its short revocation is over"))
    func theSessionStoreDecidesWhetherARefreshCookieIsGood() async throws {
        let sessions = MemoryUserStore(clock: fixture.clock.clock)
        let sid = try #require(pair.refresh.sessionID)
        try await sessions.openSession(
            SessionRecord(
                id: sid,
                subject: "42",
                refreshTokenID: pair.refresh.id,
                accessTokensUntil: pair.access.expiresAt,
                expiresAt: pair.refresh.expiresAt
            )
        )
        let manager = try fixture.manager(locations: [.cookies], implicitRefresh: .seconds(300), sessions: sessions)
        fixture.clock.advance(by: .seconds(16 * 60))  // the access cookie expired: the refresh cookie brings a new one
        try await fixture.app(manager).test(.router) { client in
            let response = try await client.send(bothCookies)
            expectUser(response, "42")
            let token = try reissued(response)
            #expect(try await sessions.session(sid)?.accessTokensUntil == token.claims.expiresAt, "the re-issued token was not noted")
            let sessionEnd = try await sessions.endSession(sid)
            #expect(sessionEnd == token.claims.expiresAt)
            let refused = try await client.send(bothCookies)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[values: .setCookie].isEmpty)
        }
    }
}
