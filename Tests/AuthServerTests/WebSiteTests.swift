import AuthServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthTesting
import Testing

/// The web site of `jwt-auth serve` (`/login`, `/`, `/logout`, `/register`) through the router, with a
/// cookie jar standing in for the browser.
@Suite struct WebSiteTests {
    static let password = "correct horse battery"
    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
    static let tokenCookies = ["access_token_cookie", "refresh_token_cookie", "csrf_access_token", "csrf_refresh_token"]

    /// The service with a temporary data directory, bcrypt cost 4 and `settings`, on `clock`.
    func withSite(
        _ settings: [String: String] = [:],
        clock: SettableClock = SettableClock(),
        _ body: @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = settings
        settings["DATA_DIR"] = directory
        settings["BCRYPT_COST"] = "4"
        let app = try await AuthServer.buildApplication(try AuthServerConfiguration(settings: settings), clock: clock.clock)
        try await app.test(.router, body)
    }

    static func register(_ client: some TestClientProtocol, _ username: String) async throws {
        let body = JSONWriter.encode(.object(["username": .string(username), "password": .string(password)]))
        let response = try await client.execute(
            uri: "/auth/register",
            method: .post,
            headers: InProcessServiceTests.json,
            body: ByteBuffer(bytes: body)
        )
        #expect(response.status == .created)
    }

    /// Posts the sign-in form and keeps the cookies it sets.
    static func signIn(
        _ client: some TestClientProtocol,
        _ jar: inout CookieJar,
        _ username: String,
        password: String = password,
        next: String? = nil
    ) async throws -> TestResponse {
        var fields = [("username", username), ("password", password), ("csrf_token", try await formToken(client, &jar))]
        if let next { fields.append(("next", next)) }
        return try await post(client, &jar, "/login", fields)
    }

    /// The form CSRF value of the browser in `jar`: the cookie that `GET path` sets (or keeps).
    static func formToken(_ client: some TestClientProtocol, _ jar: inout CookieJar, _ path: String = "/login") async throws -> String {
        let page = try await client.execute(uri: path, method: .get, headers: jar.headers)
        jar.update(from: page)
        let token = try #require(jar.cookies["csrf_form_token"])
        #expect(html(page).contains(#"<input type="hidden" name="csrf_token" value="\#(token)">"#))
        return token
    }

    /// Posts a form with the jar's cookies, keeping the cookies the answer sets.
    static func post(
        _ client: some TestClientProtocol,
        _ jar: inout CookieJar,
        _ path: String,
        _ fields: [(String, String)]
    ) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .post, headers: jar.headers + formHeaders, body: form(fields))
        jar.update(from: response)
        return response
    }

    /// Fills in the registration form as a browser would: its CSRF value from `GET /register`.
    static func registerWithForm(
        _ client: some TestClientProtocol,
        _ jar: inout CookieJar,
        _ username: String,
        password: String = password
    )
        async throws -> TestResponse
    {
        let token = try await formToken(client, &jar, "/register")
        return try await post(client, &jar, "/register", [("username", username), ("password", password), ("csrf_token", token)])
    }

    /// `GET /` with the jar's cookies, keeping any it sets.
    static func home(_ client: some TestClientProtocol, _ jar: inout CookieJar) async throws -> TestResponse {
        let response = try await client.execute(uri: "/", method: .get, headers: jar.headers)
        jar.update(from: response)
        return response
    }

    static func form(_ fields: [(String, String)]) -> ByteBuffer {
        let unreserved = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~")
        let text = fields.map { "\($0)=\($1.addingPercentEncoding(withAllowedCharacters: unreserved)!)" }.joined(separator: "&")
        return ByteBuffer(string: text)
    }

    static func html(_ response: TestResponse) -> String { String(buffer: response.body) }

    // MARK: Pages and headers

    @Test func theSignInFormIsAPlainPageWithTheSecurityHeaders() async throws {
        try await withSite { client in
            let page = try await client.execute(uri: "/login", method: .get)
            #expect(page.status == .ok)
            #expect(page.headers[.contentType] == "text/html; charset=utf-8")
            let html = Self.html(page)
            #expect(html.contains(#"<form method="post" action="/login">"#))
            #expect(html.contains(#"<meta name="viewport" content="width=device-width, initial-scale=1">"#))
            #expect(html.contains(#"<a href="/register">"#))
            #expect(!html.contains("<script"))
            Self.expectSecurityHeaders(page)
            let css = try await client.execute(uri: "/static/style.css", method: .get)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType] == "text/css; charset=utf-8")
            #expect(String(buffer: css.body).contains("@media"))
        }
    }

    static func expectSecurityHeaders(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(
            response.headers[.contentSecurityPolicy]
                == "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
            sourceLocation: sourceLocation
        )
        #expect(response.headers[HTTPField.Name("X-Frame-Options")!] == "DENY", sourceLocation: sourceLocation)
        #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer", sourceLocation: sourceLocation)
        #expect(response.headers[.cacheControl] == "no-store", sourceLocation: sourceLocation)
    }

    @Test func signingInSetsTheCookiesAndShowsTheAccount() async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            let signIn = try await Self.signIn(client, &jar, "alice", next: "/x")
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers[.location] == "/x")
            Self.expectSecurityHeaders(signIn)
            let cookies = CookieJar.setCookies(signIn)
            #expect(Set(cookies.keys) == Set(Self.tokenCookies))
            for (name, cookie) in cookies {
                #expect(cookie.attributes["httponly"] != nil ? name.hasSuffix("_cookie") : name.hasPrefix("csrf_"), "HttpOnly on \(name)")
                #expect(cookie.attributes["samesite"] == "Lax")
                #expect(cookie.attributes["path"] == "/")
                #expect(cookie.attributes["secure"] == nil)
            }
            #expect(cookies["csrf_access_token"]?.value == cookies["csrf_refresh_token"]?.value)

            let home = try await Self.home(client, &jar)
            #expect(home.status == .ok)
            Self.expectSecurityHeaders(home)
            let html = Self.html(home)
            #expect(html.contains(#"<strong id="username">alice</strong>"#))
            #expect(html.contains(#"<dd id="roles"><span class="muted">none</span></dd>"#))
            #expect(html.contains("2026-01-01T00:15:00Z</time> (in 900 s)"), "the access token's expiry, from the settable clock")
            #expect(html.contains(#"<input type="hidden" name="csrf_token" value="\#(jar.cookies["csrf_access_token"] ?? "?")">"#))
            for name in ["access_token_cookie", "refresh_token_cookie"] {
                let token = try #require(jar.cookies[name])
                #expect(!html.contains(token), "the \(name) token is not in the page")
            }
            #expect(!html.contains(Self.password))
        }
    }

    @Test func theSignInFormCarriesItsOwnCSRFValue() async throws {
        try await withSite(["COOKIE_SECURE": "true"]) { client in
            let page = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(CookieJar.setCookies(page)["csrf_form_token"])
            #expect(cookie.value.count == 43, "32 random bytes, base64url")
            #expect(cookie.attributes["httponly"] != nil)
            #expect(cookie.attributes["samesite"] == "Strict")
            #expect(cookie.attributes["path"] == "/")
            #expect(cookie.attributes["secure"] != nil)
            #expect(cookie.attributes["max-age"] == nil, "ends with the browser session")
            #expect(Self.html(page).contains(#"<input type="hidden" name="csrf_token" value="\#(cookie.value)">"#))
            var jar = CookieJar()
            jar.update(from: page)
            let again = try await client.execute(uri: "/login", method: .get, headers: jar.headers)
            #expect(CookieJar.setCookies(again).isEmpty, "a browser keeps its value")
            #expect(Self.html(again).contains(cookie.value))
            let other = try await client.execute(uri: "/login", method: .get)
            #expect(CookieJar.setCookies(other)["csrf_form_token"]?.value != cookie.value, "each browser gets its own")
        }
    }

    @Test(arguments: ["/login", "/register"])
    func formsBeforeASessionNeedTheirCSRFValue(path: String) async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            let token = try await Self.formToken(client, &jar, path)
            let fields = [("username", path == "/login" ? "alice" : "bob"), ("password", Self.password)]

            var noCookie = CookieJar()
            let withoutCookie = try await Self.post(client, &noCookie, path, fields + [("csrf_token", token)])
            let withoutField = try await Self.post(client, &jar, path, fields)
            let wrongField = try await Self.post(client, &jar, path, fields + [("csrf_token", String(token.reversed()))])
            for refused in [withoutCookie, withoutField, wrongField] {
                #expect(refused.status == .forbidden)
                #expect(Self.html(refused).contains("The form has expired or was not sent from this site."))
                #expect(Self.tokenCookies.allSatisfy { CookieJar.setCookies(refused)[$0] == nil }, "no session")
                Self.expectSecurityHeaders(refused)
            }
            #expect(CookieJar.setCookies(withoutCookie)["csrf_form_token"] != nil, "the refusal's form can be sent again")

            let right = try await Self.post(client, &jar, path, fields + [("csrf_token", token)])
            #expect(right.status == .seeOther)
            #expect(Set(CookieJar.setCookies(right).keys) == Set(Self.tokenCookies))
        }
    }

    @Test func aUsernameWithAQuoteAndACombiningMarkStaysInsideItsAttribute() async throws {
        try await withSite { client in
            var jar = CookieJar()
            let name = "x\"\u{338} autofocus data-x=\""
            let response = try await Self.signIn(client, &jar, name, password: "not the password")
            #expect(response.status == .unauthorized)
            #expect(Self.html(response).contains(#"value="x&quot;\#u{338} autofocus data-x=&quot;""#))
        }
    }

    @Test func aFailedSignInDoesNotEchoThePassword() async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            let response = try await Self.signIn(client, &jar, "alice", password: "hunter2-not-it")
            #expect(response.status == .unauthorized)
            #expect(!Self.html(response).contains("hunter2"))
        }
    }

    // MARK: Errors for browsers

    static let browserAccept: HTTPFields = [.accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"]

    @Test func browsersGetErrorPagesAndAPIClientsJSON() async throws {
        try await withSite { client in
            let notFound = try await client.execute(uri: "/no-such-page", method: .get, headers: Self.browserAccept)
            #expect(notFound.status == .notFound)
            #expect(notFound.headers[.contentType] == "text/html; charset=utf-8")
            #expect(Self.html(notFound).contains("<h1>Page not found</h1>"))
            Self.expectSecurityHeaders(notFound)

            let wrongMethod = try await client.execute(uri: "/logout", method: .get, headers: Self.browserAccept)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.headers[.allow] == "POST")
            #expect(Self.html(wrongMethod).contains("<h1>Method not allowed</h1>"))

            let json = try await client.execute(uri: "/no-such-page", method: .get)
            #expect(json.status == .notFound)
            #expect(json.headers[.contentType] == "application/json; charset=utf-8")
            #expect(String(buffer: json.body).contains(#""error":"not_found""#))

            let api = try await client.execute(uri: "/api/protected", method: .get, headers: Self.browserAccept)
            #expect(api.status == .unauthorized)
            #expect(String(buffer: api.body).contains(#""error":"missing_token""#), "the JSON API stays JSON")
        }
    }

    @Test func secureCookiesWhenConfigured() async throws {
        try await withSite(["COOKIE_SECURE": "true"]) { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            let cookies = CookieJar.setCookies(try await Self.signIn(client, &jar, "alice"))
            #expect(cookies.count == 4)
            for cookie in cookies.values { #expect(cookie.attributes["secure"] != nil) }
        }
    }

    @Test func aWrongPasswordShowsTheFormAgainWithAnError() async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            let response = try await Self.signIn(client, &jar, "alice", password: "not the password", next: "/x")
            #expect(response.status == .unauthorized)
            #expect(CookieJar.setCookies(response).isEmpty)
            let html = Self.html(response)
            #expect(html.contains(#"<p class="error" role="alert">Bad username or password</p>"#))
            #expect(html.contains(#"<input type="hidden" name="next" value="/x">"#))
            #expect(html.contains(#"value="alice""#))
            Self.expectSecurityHeaders(response)
        }
    }

    @Test(arguments: [
        ("/x", "/x"),
        ("/a/b?c=d", "/a/b?c=d"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("http://evil.example/", "/"),
        ("https://evil.example", "/"),
        ("javascript:alert(1)", "/"),
        ("/\t/evil.example", "/"),
        ("", "/"),
    ])
    func nextOnlyAcceptsLocalPaths(next: String, location: String) async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            let response = try await Self.signIn(client, &jar, "alice", next: next)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == location)
            let form = try await client.execute(
                uri: "/login?next=" + next.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!,
                method: .get
            )
            #expect(Self.html(form).contains(#"name="next" value="\#(HTML.escape(location))""#))
        }
    }

    // MARK: Not signed in

    @Test(arguments: [nil, "access_token_cookie=not.a.token", "access_token_cookie=eyJhbGciOiJub25lIn0.e30."])
    func withoutAGoodCookieTheHomePageSendsToTheSignInForm(cookie: String?) async throws {
        try await withSite { client in
            let headers: HTTPFields = cookie.map { [.cookie: $0] } ?? [:]
            let response = try await client.execute(uri: "/", method: .get, headers: headers)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/login?next=/")
            Self.expectCleared(response)
        }
    }

    static func expectCleared(_ response: TestResponse, sourceLocation: SourceLocation = #_sourceLocation) {
        let cookies = CookieJar.setCookies(response)
        #expect(Set(cookies.keys) == Set(tokenCookies), sourceLocation: sourceLocation)
        for cookie in cookies.values {
            #expect(cookie.value.isEmpty && cookie.attributes["max-age"] == "0", sourceLocation: sourceLocation)
        }
    }

    // MARK: Sign-out and CSRF

    @Test func signOutNeedsTheCSRFValueThenRevokesTheSession() async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            _ = try await Self.signIn(client, &jar, "alice")
            let csrf = try #require(jar.cookies["csrf_access_token"])
            let signedIn = jar

            let missing = try await client.execute(uri: "/logout", method: .post, headers: jar.headers + Self.formHeaders, body: ByteBuffer())
            #expect(missing.status == .unauthorized)
            #expect(Self.html(missing).contains("Missing CSRF token"))
            #expect(CookieJar.setCookies(missing).isEmpty)
            var wrong = jar.headers
            wrong[HTTPField.Name("X-CSRF-TOKEN")!] = "not-the-value"
            let wrongHeader = try await client.execute(uri: "/logout", method: .post, headers: wrong)
            #expect(wrongHeader.status == .unauthorized)
            #expect(Self.html(wrongHeader).contains("CSRF double submit tokens do not match"))
            let wrongField = try await client.execute(
                uri: "/logout",
                method: .post,
                headers: jar.headers + Self.formHeaders,
                body: Self.form([("csrf_token", "not-the-value")])
            )
            #expect(wrongField.status == .unauthorized)
            let stillSignedIn = try await Self.home(client, &jar)
            #expect(stillSignedIn.status == .ok, "a refused sign-out leaves the session alone")

            let right = try await client.execute(
                uri: "/logout",
                method: .post,
                headers: jar.headers + Self.formHeaders,
                body: Self.form([("csrf_token", csrf)])
            )
            #expect(right.status == .seeOther)
            #expect(right.headers[.location] == "/login")
            Self.expectCleared(right)
            Self.expectSecurityHeaders(right)

            var stale = signedIn
            let after = try await Self.home(client, &stale)
            #expect(after.status == .seeOther, "the old cookies were revoked, not just cleared")
            #expect(after.headers[.location] == "/login?next=/")
            Self.expectCleared(after)
        }
    }

    @Test func signOutTakesTheCSRFValueInTheHeader() async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            _ = try await Self.signIn(client, &jar, "alice")
            var headers = jar.headers
            headers[HTTPField.Name("X-CSRF-TOKEN")!] = jar.cookies["csrf_access_token"]
            let response = try await client.execute(uri: "/logout", method: .post, headers: headers)
            #expect(response.status == .seeOther)
            let after = try await Self.home(client, &jar)
            #expect(after.status == .seeOther)
        }
    }

    @Test func logoutAllThroughTheAPIEndsTheBrowserSession() async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            _ = try await Self.signIn(client, &jar, "alice")
            let access = try #require(jar.cookies["access_token_cookie"])
            let all = try await client.execute(uri: "/auth/logout-all", method: .post, headers: [.authorization: "Bearer \(access)"])
            #expect(all.status == .noContent)
            let home = try await Self.home(client, &jar)
            #expect(home.status == .seeOther)
            Self.expectCleared(home)
        }
    }

    // MARK: Registration and escaping

    @Test func aUsernameWithMarkupIsEscaped() async throws {
        try await withSite { client in
            let name = "<script>alert('x')</script>&\""
            var registering = CookieJar()
            let registered = try await Self.registerWithForm(client, &registering, name)
            #expect(registered.status == .seeOther)
            #expect(registered.headers[.location] == "/")
            var jar = CookieJar()
            let signIn = try await Self.signIn(client, &jar, name)
            #expect(signIn.status == .seeOther)
            let html = Self.html(try await Self.home(client, &jar))
            #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;"))
            #expect(!html.contains("<script>"))

            var other = CookieJar()
            let again = try await Self.registerWithForm(client, &other, name)
            #expect(again.status == .conflict)
            #expect(Self.html(again).contains("Username already exists"))
            #expect(!Self.html(again).contains("<script>"))
        }
    }

    @Test func registrationSignsTheNewUserIn() async throws {
        try await withSite { client in
            let page = try await client.execute(uri: "/register", method: .get)
            #expect(page.status == .ok)
            #expect(Self.html(page).contains(#"<form method="post" action="/register">"#))
            Self.expectSecurityHeaders(page)
            var jar = CookieJar()
            let short = try await Self.registerWithForm(client, &jar, "bob", password: "short")
            #expect(short.status == .badRequest)
            #expect(Self.html(short).contains("password must be at least 8 bytes"))
            #expect(CookieJar.setCookies(short).isEmpty)
            let created = try await Self.registerWithForm(client, &jar, "bob")
            #expect(created.status == .seeOther)
            let home = try await Self.home(client, &jar)
            #expect(Self.html(home).contains(#"<strong id="username">bob</strong>"#))
        }
    }

    @Test func closedRegistrationIsA403Page() async throws {
        try await withSite(["REGISTRATION": "closed"]) { client in
            let form = try await client.execute(uri: "/login", method: .get)
            #expect(!Self.html(form).contains("/register"))
            let page = try await client.execute(uri: "/register", method: .get)
            #expect(page.status == .forbidden)
            #expect(Self.html(page).contains("Registration is closed"))
            let post = try await client.execute(
                uri: "/register",
                method: .post,
                headers: Self.formHeaders,
                body: Self.form([("username", "eve"), ("password", Self.password)])
            )
            #expect(post.status == .forbidden)
        }
    }

    // MARK: Refusals

    @Test func throttlingCountsFormAndAPIFailuresTogether() async throws {
        try await withSite(["LOGIN_ATTEMPTS": "2"]) { client in
            try await Self.register(client, "alice")
            let wrong = ByteBuffer(string: #"{"username":"alice","password":"not the password"}"#)
            let api = try await client.execute(uri: "/auth/login", method: .post, headers: InProcessServiceTests.json, body: wrong)
            #expect(api.status == .unauthorized)
            var jar = CookieJar()
            let form = try await Self.signIn(client, &jar, "alice", password: "not the password")
            #expect(form.status == .unauthorized)
            let throttled = try await Self.signIn(client, &jar, "alice")
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers[.retryAfter] == "900")
            #expect(Self.html(throttled).contains("Try again in 900 seconds"))
            #expect(Self.tokenCookies.allSatisfy { jar.cookies[$0] == nil })
            Self.expectSecurityHeaders(throttled)
        }
    }

    /// A sibling subdomain (`same-site`) is as foreign as another site: only this origin may post, even
    /// with a valid form token (a sibling can plant cookies). `same-origin` and `none` (typed address) pass.
    @Test(arguments: [("cross-site", false), ("same-site", false), ("CROSS-SITE", false), ("same-origin", true), ("none", true)])
    func formsFromAnotherOriginAreRefused(site: String, allowed: Bool) async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            let token = try await Self.formToken(client, &jar)
            var headers = jar.headers + Self.formHeaders
            headers[HTTPField.Name("Sec-Fetch-Site")!] = site
            let response = try await client.execute(
                uri: "/login",
                method: .post,
                headers: headers,
                body: Self.form([("username", "alice"), ("password", Self.password), ("csrf_token", token)])
            )
            let session = CookieJar.setCookies(response)["access_token_cookie"]?.value.isEmpty == false
            #expect(session == allowed)
            #expect((response.status == .forbidden) == !allowed)
        }
    }

    @Test func formsMustBeFormEncodedAndSentFromThisSite() async throws {
        try await withSite { client in
            try await Self.register(client, "alice")
            let json = try await client.execute(
                uri: "/login",
                method: .post,
                headers: InProcessServiceTests.json,
                body: ByteBuffer(string: #"{"username":"alice","password":"correct horse battery"}"#)
            )
            #expect(json.status == .unsupportedMediaType)
            var crossSite = Self.formHeaders
            crossSite[HTTPField.Name("Sec-Fetch-Site")!] = "cross-site"
            let forged = try await client.execute(
                uri: "/login",
                method: .post,
                headers: crossSite,
                body: Self.form([("username", "alice"), ("password", Self.password)])
            )
            #expect(forged.status == .forbidden)
            #expect(CookieJar.setCookies(forged).isEmpty)
        }
    }

    @Test func theSiteCanBeTurnedOff() async throws {
        try await withSite(["WEB": "false"]) { client in
            let login = try await client.execute(uri: "/login", method: .get)
            #expect(login.status == .notFound)
            let home = try await client.execute(uri: "/", method: .get)
            #expect(home.status == .notFound)
        }
    }

    // MARK: Implicit refresh

    @Test func implicitRefreshKeepsTheUserSignedInWhileTheRefreshTokenLives() async throws {
        let clock = SettableClock()
        try await withSite(["ACCESS_TTL": "5m", "REFRESH_TTL": "1h"], clock: clock) { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            _ = try await Self.signIn(client, &jar, "alice")
            let firstAccess = try #require(jar.cookies["access_token_cookie"])
            let first = try await Self.home(client, &jar)
            #expect(first.status == .ok)
            #expect(CookieJar.setCookies(first).isEmpty, "more than 60 s left: nothing re-issued")

            clock.advance(by: .seconds(250))
            let near = try await Self.home(client, &jar)
            #expect(near.status == .ok)
            #expect(CookieJar.setCookies(near)["access_token_cookie"] != nil, "50 s left: re-issued ahead of expiry")
            #expect(jar.cookies["access_token_cookie"] != firstAccess)

            clock.advance(by: .seconds(600))
            var expiredCopy = jar
            let afterExpiry = try await Self.home(client, &expiredCopy)
            #expect(afterExpiry.status == .ok, "the access token expired; the refresh cookie brings a new one")
            #expect(Self.html(afterExpiry).contains("(in 300 s)"))
            #expect(CookieJar.setCookies(afterExpiry)["access_token_cookie"] != nil)
            #expect(expiredCopy.cookies["csrf_access_token"] == jar.cookies["csrf_access_token"], "the session keeps its CSRF value")

            let csrf = try #require(expiredCopy.cookies["csrf_access_token"])
            clock.advance(by: .seconds(600))
            let logout = try await client.execute(
                uri: "/logout",
                method: .post,
                headers: jar.headers + Self.formHeaders,
                body: Self.form([("csrf_token", csrf)])
            )
            #expect(logout.status == .seeOther, "sign-out works with only the refresh cookie still good")
            let afterLogout = try await Self.home(client, &expiredCopy)
            #expect(afterLogout.status == .seeOther, "after sign-out the refresh cookie is revoked")
        }
    }

    @Test func theSessionEndsWithTheRefreshToken() async throws {
        let clock = SettableClock()
        try await withSite(["ACCESS_TTL": "5m", "REFRESH_TTL": "1h"], clock: clock) { client in
            try await Self.register(client, "alice")
            var jar = CookieJar()
            _ = try await Self.signIn(client, &jar, "alice")
            clock.advance(by: .seconds(3601))
            let home = try await Self.home(client, &jar)
            #expect(home.status == .seeOther)
            #expect(home.headers[.location] == "/login?next=/")
        }
    }

    // MARK: HTML.escape

    @Test(arguments: [
        ("plain", "plain"),
        ("<script>", "&lt;script&gt;"),
        ("a & b", "a &amp; b"),
        (#"" onmouseover="x"#, "&quot; onmouseover=&quot;x"),
        ("it's", "it&#39;s"),
        ("&amp;", "&amp;amp;"),
        ("한국어 ✓", "한국어 ✓"),
        // A quote or bracket followed by a combining mark is one Swift Character ("\u{338}" turns `"` into
        // a cluster that is not `"`); escaping by scalar still catches it, so it cannot close an attribute.
        ("x\"\u{338} autofocus", "x&quot;\u{338} autofocus"),
        ("<\u{338}b>", "&lt;\u{338}b&gt;"),
    ])
    func htmlEscape(text: String, escaped: String) {
        #expect(HTML.escape(text) == escaped)
    }
}

/// The cookies a browser would keep from the responses it sees.
struct CookieJar: Sendable {
    /// One `Set-Cookie` header: its value and attributes (names in lower case).
    struct SetCookie: Sendable {
        var value: String
        var attributes: [String: String]
    }

    private(set) var cookies: [String: String] = [:]

    /// The `Cookie` header to send.
    var headers: HTTPFields {
        cookies.isEmpty ? [:] : [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
    }

    /// Keeps what the response sets; `Max-Age=0` deletes.
    mutating func update(from response: TestResponse) {
        for (name, cookie) in Self.setCookies(response) {
            cookies[name] = cookie.attributes["max-age"] == "0" ? nil : cookie.value
        }
    }

    /// The response's `Set-Cookie` headers by cookie name.
    static func setCookies(_ response: TestResponse) -> [String: SetCookie] {
        var result: [String: SetCookie] = [:]
        for header in response.headers[values: .setCookie] {
            let parts = header.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let first = parts.first, let equals = first.firstIndex(of: "=") else { continue }
            var attributes: [String: String] = [:]
            for part in parts.dropFirst() {
                let pair = part.split(separator: "=", maxSplits: 1)
                attributes[pair[0].lowercased()] = pair.count > 1 ? String(pair[1]) : ""
            }
            result[String(first[..<equals])] = SetCookie(value: String(first[first.index(after: equals)...]), attributes: attributes)
        }
        return result
    }
}

extension HTTPFields {
    static func + (lhs: HTTPFields, rhs: HTTPFields) -> HTTPFields {
        var fields = lhs
        fields.append(contentsOf: rhs)
        return fields
    }
}
