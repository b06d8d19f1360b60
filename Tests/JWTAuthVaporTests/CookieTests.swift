#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTesting
import JWTAuthVapor
import NIOCore
import Testing
import Vapor
import VaporTesting

/// Cookie sessions: the CSRF double submit on state-changing methods, implicit refresh, the cookie helpers.
@Suite struct CookieTests {
    @Test func stateChangingMethodsNeedTheCSRFValue() async throws {
        let fixture = try VaporFixture()
        let token = try fixture.issuer.accessToken(for: "42", csrf: "c5rf")
        try await fixture.withApp(try fixture.manager(locations: [.cookies])) { app in
            let get = try await app.send(.GET, Carried("/required", token.token, at: .cookies))
            #expect(get.status == .ok)
            let invalid = #"Bearer realm="jwt-auth", error="invalid_token", error_description="#
            for method in [HTTPMethod.POST, .PUT, .PATCH, .DELETE] {
                let none = try await app.send(method, Carried("/required", token.token, at: .cookies))
                expectError(none, .unauthorized, "csrf_failed", "Missing CSRF token", challenge: invalid + #""Missing CSRF token""#)
                let wrong = try await app.send(method, Carried("/required", token.token, at: .cookies, csrf: "other"))
                let message = "CSRF double submit tokens do not match"
                expectError(wrong, .unauthorized, "csrf_failed", message, challenge: invalid + "\"\(message)\"")
                let right = try await app.send(method, Carried("/required", token.token, at: .cookies, csrf: "c5rf"))
                #expect(right.status == .ok)
            }
        }
    }

    @Test func theCSRFValueMayComeAsAFormField() async throws {
        let fixture = try VaporFixture()
        let token = try fixture.issuer.accessToken(for: "42", csrf: "c5rf")
        try await fixture.withApp(try fixture.manager(locations: [.cookies])) { app in
            var carried = Carried("/required", token.token, at: .cookies)
            carried.headers.add(name: .contentType, value: "application/x-www-form-urlencoded")
            carried.body = ByteBuffer(string: "a=1&csrf_token=c5rf")
            let accepted = try await app.send(.POST, carried)
            #expect(accepted.status == .ok)
            carried.body = ByteBuffer(string: "csrf_token=nope")
            let refused = try await app.send(.POST, carried)
            #expect(refused.object["error"] == "csrf_failed")
        }
    }

    @Test func aTokenWithoutACSRFClaimFails() async throws {
        let fixture = try VaporFixture()
        let token = try fixture.factory.token(claims: [
            "sub": "42", "jti": "j1", "type": "access", "exp": .int(Int64(fixture.clock.now) + 60),
        ])
        try await fixture.withApp(try fixture.manager(locations: [.cookies])) { app in
            let response = try await app.send(.POST, Carried("/required", token, at: .cookies, csrf: "x"))
            #expect(response.object["msg"] == "Missing claim: csrf")
        }
    }

    @Test func implicitRefreshReissuesANearlyExpiredAccessCookie() async throws {
        let fixture = try VaporFixture()
        var manager = try fixture.manager(locations: [.cookies])
        manager.implicitRefresh = .seconds(300)
        let token = try fixture.issuer.accessToken(for: "42", fresh: .fresh, csrf: "c5rf")
        try await fixture.withApp(manager) { app in
            let early = try await app.send(.GET, Carried("/required", token.token, at: .cookies))
            #expect(early.headers.setCookie?["access_token_cookie"] == nil)
            fixture.clock.now = token.expiresAt - 60
            let late = try await app.send(.GET, Carried("/required", token.token, at: .cookies))
            #expect(late.status == .ok)
            let reissued = try #require(late.headers.setCookie?["access_token_cookie"])
            #expect(reissued.isHTTPOnly)
            #expect(reissued.string != token.token)
            #expect(late.headers.setCookie?["csrf_access_token"]?.string == "c5rf")
        }
    }

    @Test func implicitRefreshFromTheRefreshCookieWhenTheAccessCookieExpired() async throws {
        let fixture = try VaporFixture()
        var manager = try fixture.manager(locations: [.cookies])
        manager.implicitRefresh = .seconds(300)
        let pair = try fixture.issuer.tokenPair(for: "42")
        try await fixture.withApp(manager) { app in
            fixture.clock.now = pair.access.expiresAt + 1
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "access_token_cookie=\(pair.access.token); refresh_token_cookie=\(pair.refresh.token)")
            let response = try await app.send(.GET, "/required", headers: headers)
            #expect(response.status == .ok)
            #expect(response.object["user"] == "42")
            #expect(response.headers.setCookie?["access_token_cookie"] != nil)
        }
    }

    @Test func cookieHelpersSetAndClearTheFourCookies() throws {
        let fixture = try VaporFixture()
        var manager = try fixture.manager(locations: [.cookies])
        manager.cookies.secure = true
        manager.cookies.sessionCookies = false
        let pair = try fixture.issuer.tokenPair(for: "42")
        let response = Response()
        manager.setAccessCookies(pair.access, on: response)
        manager.setRefreshCookies(pair.refresh, on: response)
        let access = try #require(response.cookies["access_token_cookie"])
        #expect(access.isHTTPOnly && access.isSecure && access.sameSite == .lax && access.path == "/")
        #expect(access.maxAge == Int(pair.access.expiresAt - fixture.clock.now))
        #expect(response.cookies["csrf_access_token"]?.isHTTPOnly == false)
        #expect(response.cookies["refresh_token_cookie"]?.string == pair.refresh.token)
        #expect(response.cookies["csrf_refresh_token"]?.string == pair.refresh.claims.csrf)
        let cleared = Response()
        manager.unsetCookies(on: cleared)
        #expect(cleared.cookies.all.count == 4)
        #expect(cleared.cookies.all.values.allSatisfy { $0.maxAge == 0 && $0.string.isEmpty })
    }
}
#endif
