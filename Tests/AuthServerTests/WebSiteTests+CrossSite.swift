import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import Testing

extension WebSiteTests {
    static let crossSite: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: "cross-site"]

    /// Another site's page posting to `/logout` (with or without the browser's cookies, with or without a
    /// CSRF value) is refused as a cross-site sign-in is: 403, no cookie touched, the session alive.
    @Test(.bug(id: 15, "another site could sign a browser out"), arguments: ["cross-site", "same-site"])
    func aSignOutFromAnotherSiteIsRefused(site: String) async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            _ = try await Self.signIn(client, &jar, "alice")
            let csrf = try #require(jar.cookies["csrf_access_token"])
            let fetchSite: HTTPFields = [HTTPField.Name("Sec-Fetch-Site")!: site]

            // SameSite=Lax cookies are not sent on another site's POST: no cookie, no form token.
            let bare = try await client.execute(uri: "/logout", method: .post, headers: fetchSite + Self.formHeaders, body: ByteBuffer())
            #expect(bare.status == .forbidden)
            #expect(CookieJar.setCookies(bare).isEmpty, "no cookie may be cleared")
            // Even with the cookies and the right CSRF value.
            let withCookies = try await client.execute(
                uri: "/logout",
                method: .post,
                headers: jar.headers + fetchSite + Self.formHeaders,
                body: Self.form([("csrf_token", csrf)])
            )
            #expect(withCookies.status == .forbidden)
            #expect(CookieJar.setCookies(withCookies).isEmpty)
            #expect(try await Self.home(client, &jar).status == .ok, "the session is still alive")
        }
    }
}

extension WebSiteTests {
    /// The sign-in form shares the API's throttle, slots taken before bcrypt: 40 wrong passwords posted
    /// at once get at most `LOGIN_ATTEMPTS` answers from bcrypt, the rest 429.
    @Test(.bug(id: 15, "concurrent guesses all reached bcrypt"))
    func concurrentFormSignInsAreThrottledBeforeBcrypt() async throws {
        try await withSite(["LOGIN_ATTEMPTS": "5"]) { client in
            try await Self.register(client, "victim")
            var jar = CookieJar()
            let token = try await Self.formToken(client, &jar)
            let headers = jar.headers + Self.formHeaders
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        let fields = [("username", "victim"), ("password", "wrong guess \(index)"), ("csrf_token", token)]
                        return try await client.execute(uri: "/login", method: .post, headers: headers, body: Self.form(fields)).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count { $0 == .unauthorized } <= 5, "\(statuses)")
            #expect(statuses.count { $0 == .tooManyRequests } >= 35)
        }
    }
}

extension WebSiteTests {
    /// A form in another charset is 415, as a JSON body is: never decoded as UTF-8.
    @Test(.bug(id: 15, "a body in another charset was parsed as UTF-8"))
    func aFormInAnotherCharsetIs415() async throws {
        try await withSite { client in
            var jar = CookieJar()
            let token = try await Self.formToken(client, &jar)
            let fields = [("username", "alice"), ("password", "whatever it is"), ("csrf_token", token)]
            let headers = jar.headers + [.contentType: "application/x-www-form-urlencoded; charset=utf-16"]
            let response = try await client.execute(uri: "/login", method: .post, headers: headers, body: Self.form(fields))
            #expect(response.status == .unsupportedMediaType)
            #expect(CookieJar.setCookies(response)["access_token_cookie"] == nil)
        }
    }
}
