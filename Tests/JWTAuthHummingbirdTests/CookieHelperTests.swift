import HTTPTypes
import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Testing

/// `setAccessCookies`, `setRefreshCookies` and `unsetCookies`: names and attributes.
@Suite struct CookieHelperTests {
    let fixture: AuthFixture
    let pair: TokenPair

    init() throws {
        fixture = try AuthFixture()
        pair = try fixture.pair()
    }

    func cookies(
        _ configuration: JWTCookieConfiguration = JWTCookieConfiguration(),
        _ set: (JWTManager, inout Response) -> Void
    ) throws
        -> [String: SetCookie]
    {
        let manager = try fixture.manager(locations: [.cookies], cookies: configuration)
        var response = Response(status: .ok)
        set(manager, &response)
        return setCookies(response.headers)
    }

    @Test func accessAndRefreshCookies() throws {
        let set = try cookies { manager, response in
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
        }
        #expect(set.keys.sorted() == ["access_token_cookie", "csrf_access_token", "csrf_refresh_token", "refresh_token_cookie"])
        #expect(set["access_token_cookie"]?.value == pair.access.token)
        #expect(set["refresh_token_cookie"]?.value == pair.refresh.token)
        let csrf = try #require(pair.access.claims.csrf)
        #expect(set["csrf_access_token"]?.value == csrf)
        #expect(set["csrf_refresh_token"]?.value == pair.refresh.claims.csrf)
        for name in ["access_token_cookie", "refresh_token_cookie"] {
            let cookie = try #require(set[name])
            #expect(cookie.has("HttpOnly"), "\(name)")
        }
        for name in ["csrf_access_token", "csrf_refresh_token"] {
            let cookie = try #require(set[name])
            #expect(!cookie.has("HttpOnly"), "\(name) must be readable by scripts")
        }
        for cookie in set.values {
            #expect(cookie.attributes["SameSite"] == "Lax", "\(cookie.name)")
            #expect(cookie.attributes["Path"] == "/", "\(cookie.name)")
            #expect(!cookie.has("Secure"), "\(cookie.name)")
            #expect(!cookie.has("Domain"), "\(cookie.name)")
            #expect(!cookie.has("Max-Age"), "\(cookie.name): session cookies by default")
        }
    }

    /// `JWT_REFRESH_COOKIE_PATH` and the other per-cookie paths: each cookie is set, and cleared, at its own
    /// path; one without a path of its own keeps the common `path`.
    @Test func eachCookieCanHaveItsOwnPath() throws {
        var configuration = JWTCookieConfiguration(path: "/app", refreshCookiePath: "/auth/refresh")
        let set = try cookies(configuration) { manager, response in
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
        }
        let cleared = try cookies(configuration) { manager, response in manager.unsetCookies(on: &response) }
        let expected = [
            "access_token_cookie": "/app", "csrf_access_token": "/app", "refresh_token_cookie": "/auth/refresh", "csrf_refresh_token": "/app",
        ]
        #expect(set.compactMapValues { $0.attributes["Path"] } == expected)
        #expect(cleared.compactMapValues { $0.attributes["Path"] } == expected)

        configuration.accessCookiePath = "/api"
        configuration.accessCSRFCookiePath = "/"
        configuration.refreshCSRFCookiePath = "/auth"
        let all = ["access_token_cookie": "/api", "csrf_access_token": "/", "refresh_token_cookie": "/auth/refresh", "csrf_refresh_token": "/auth"]
        let setAll = try cookies(configuration) { manager, response in
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
        }
        #expect(setAll.compactMapValues { $0.attributes["Path"] } == all)
        #expect(
            try cookies(configuration) { manager, response in manager.unsetCookies(on: &response) }.compactMapValues { $0.attributes["Path"] } == all
        )
    }

    @Test func secureDomainPathAndLifetimeWhenConfigured() throws {
        let configuration = JWTCookieConfiguration(secure: true, sameSite: "Strict", path: "/app", domain: "example.test", sessionCookies: false)
        fixture.clock.advance(by: .seconds(100))
        let set = try cookies(configuration) { manager, response in
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
        }
        #expect(set.count == 4)
        for cookie in set.values {
            #expect(cookie.has("Secure"), "\(cookie.name)")
            #expect(cookie.attributes["SameSite"] == "Strict", "\(cookie.name)")
            #expect(cookie.attributes["Path"] == "/app", "\(cookie.name)")
            #expect(cookie.attributes["Domain"] == "example.test", "\(cookie.name)")
        }
        // What is left of each token's life, at the clock's time.
        #expect(set["access_token_cookie"]?.attributes["Max-Age"] == "800")
        #expect(set["csrf_access_token"]?.attributes["Max-Age"] == "800")
        #expect(set["refresh_token_cookie"]?.attributes["Max-Age"] == "\(7 * 24 * 3600 - 100)")
    }

    @Test func sameSiteNoneForcesSecure() throws {
        let set = try cookies(JWTCookieConfiguration(sameSite: "None")) { manager, response in
            manager.setAccessCookies(pair.access, on: &response)
        }
        let cookie = try #require(set["access_token_cookie"])
        #expect(cookie.attributes["SameSite"] == "None")
        #expect(cookie.has("Secure"))
    }

    @Test func tokensWithoutACSRFClaimSetNoCSRFCookie() throws {
        let plain = try AuthFixture(csrf: false)
        let manager = try plain.manager(locations: [.cookies])
        var response = Response(status: .ok)
        manager.setAccessCookies(try plain.pair().access, on: &response)
        #expect(setCookies(response.headers).keys.sorted() == ["access_token_cookie"])
    }

    @Test func unsetClearsAllFour() throws {
        let set = try cookies(JWTCookieConfiguration(secure: true)) { manager, response in
            manager.unsetCookies(on: &response)
        }
        #expect(set.keys.sorted() == ["access_token_cookie", "csrf_access_token", "csrf_refresh_token", "refresh_token_cookie"])
        for cookie in set.values {
            #expect(cookie.value == "", "\(cookie.name)")
            #expect(cookie.attributes["Max-Age"] == "0", "\(cookie.name)")
            #expect(cookie.attributes["Path"] == "/", "\(cookie.name): the same path, or the browser keeps the cookie")
            #expect(cookie.has("Secure"), "\(cookie.name)")
            #expect(cookie.attributes["SameSite"] == "Lax", "\(cookie.name)")
        }
        #expect(set["access_token_cookie"]?.has("HttpOnly") == true)
        #expect(set["refresh_token_cookie"]?.has("HttpOnly") == true)
        #expect(set["csrf_access_token"]?.has("HttpOnly") == false)
    }

    @Test func customNames() throws {
        let configuration = JWTCookieConfiguration(
            accessCookieName: "a",
            refreshCookieName: "r",
            accessCSRFCookieName: "ca",
            refreshCSRFCookieName: "cr"
        )
        let set = try cookies(configuration) { manager, response in
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
        }
        #expect(set.keys.sorted() == ["a", "ca", "cr", "r"])
    }
}
