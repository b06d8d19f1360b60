import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

// The example of docs/web-login.md, kept here so that it compiles and works: change both together.

/// Sends a browser without a good session to the sign-in page, and sets the new access cookie after
/// an implicit refresh.
struct SignInRequiredMiddleware<Context: JWTRequestContext>: RouterMiddleware {
    let manager: JWTManager

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var request = request
        let authentication: JWTAuthentication?
        do {
            authentication = try await manager.authenticate(&request, context: context)
        } catch  where error.code == .csrfFailed || error.code == .unavailable {
            return await manager.response(for: error, request: request, context: context)  // a forged form, or a store down: no sign-out
        } catch {
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            manager.unsetCookies(on: &response)  // expired, revoked or invalid: forget them
            return response
        }
        var context = context
        context.identity = authentication?.identity
        var response = try await next(request, context)
        if let reissued = authentication?.reissuedAccessToken {
            manager.setReissuedAccessCookies(reissued, on: &response)  // unless the route cleared it
        }
        return response
    }
}

enum WebLoginExample {
    static func buildApplication(secret: String, clock: JWTClock = .system) throws -> some ApplicationProtocol {
        let key = try JWTKey.hmac(secret: secret)
        let tokens = TokenConfiguration(includesCSRFClaim: true)  // tokens carry the session's CSRF value
        let revocations: any RevocationStore = MemoryRevocationStore(clock: clock)
        let issuer = try TokenIssuer(key: key, configuration: tokens, clock: clock)
        let manager = JWTManager(
            verifier: try TokenVerifier(keys: try JWTKeySet([key]), configuration: tokens, revocationStore: revocations, clock: clock),
            issuer: issuer,  // implicit refresh issues with it
            options: JWTManager.Options(
                locations: [.cookies],
                cookies: JWTCookieConfiguration(secure: false),  // true in production (HTTPS)
                implicitRefresh: .seconds(60)
            )
        )
        let router = Router(context: BasicJWTRequestContext.self)

        router.post("login") { request, context in
            var request = request
            let form = String(buffer: try await request.collectBody(upTo: 16 * 1024))
            let username = FormDecoding.field("username", in: form) ?? ""
            let password = FormDecoding.field("password", in: form) ?? ""
            guard let userID = try await checkPassword(username, password) else {
                return Response(status: .seeOther, headers: [.location: "/login?failed=1"])
            }
            let pair = try issuer.tokenPair(for: userID, claims: ["roles": ["reader"]])
            var response = Response(status: .seeOther, headers: [.location: "/account"])
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
            return response
        }

        let account = router.group("account").add(middleware: SignInRequiredMiddleware(manager: manager))
        account.get { _, context in
            let claims = try context.requireJWT().claims
            let html = """
                <p>Signed in as user \(HTML.escape(claims.subject ?? "")).</p>
                <form method="post" action="/account/logout">
                <input type="hidden" name="csrf_token" value="\(HTML.escape(claims.csrf ?? ""))">
                <button>Sign out</button>
                </form>
                """
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: html))
            )
        }
        // POST: the middleware has checked the form's csrf_token (or the X-CSRF-TOKEN header).
        account.post("logout") { _, context in
            let claims = try context.requireJWT().claims
            let sessionEnd = issuer.clock.now + Double(tokens.refreshTokenLifetime.components.seconds)
            if let jti = claims.id { try await revocations.revoke(tokenID: jti, until: claims.expiresAt ?? sessionEnd) }
            if let sid = claims.sessionID { try await revocations.revoke(sessionID: sid, until: sessionEnd) }
            var response = Response(status: .seeOther, headers: [.location: "/login"])
            manager.unsetCookies(on: &response)
            return response
        }
        return Application(router: router)
    }

    /// Stands in for the application's user store; returns the user's id.
    static func checkPassword(_ username: String, _ password: String) async throws -> String? {
        username == "alice" && password == "correct horse battery" ? "42" : nil
    }
}

/// The smallest HTML escaping, for the example.
enum HTML {
    static func escape(_ text: String) -> String {
        text.replacing("&", with: "&amp;").replacing("<", with: "&lt;").replacing(">", with: "&gt;")
            .replacing("\"", with: "&quot;").replacing("'", with: "&#39;")
    }
}

@Suite struct WebLoginExampleTests {
    static let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func cookieHeader(_ response: TestResponse) -> (header: String, csrf: String?) {
        var cookies: [String: String] = [:]
        for field in response.headers[values: .setCookie] {
            let pair = field.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            cookies[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
        return (cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; "), cookies["csrf_access_token"])
    }

    @Test func theDocumentedFlowSignsInRefreshesAndSignsOut() async throws {
        let clock = SettableClock()
        let app = try WebLoginExample.buildApplication(secret: String(repeating: "s", count: 32), clock: clock.clock)
        try await app.test(.router) { client in
            let wrong = try await client.execute(
                uri: "/login",
                method: .post,
                headers: Self.form,
                body: ByteBuffer(string: "username=alice&password=guess")
            )
            #expect(wrong.headers[.location] == "/login?failed=1")
            let login = try await client.execute(
                uri: "/login",
                method: .post,
                headers: Self.form,
                body: ByteBuffer(string: "username=alice&password=correct+horse+battery")
            )
            #expect(login.status == .seeOther)
            let (cookies, csrf) = Self.cookieHeader(login)
            let csrfValue = try #require(csrf)
            let page = try await client.execute(uri: "/account", method: .get, headers: [.cookie: cookies])
            #expect(String(buffer: page.body).contains("Signed in as user 42."))

            clock.advance(by: .seconds(16 * 60))  // the access token has expired; the refresh cookie has not
            let refreshed = try await client.execute(uri: "/account", method: .get, headers: [.cookie: cookies])
            #expect(refreshed.status == .ok)
            #expect(refreshed.headers[values: .setCookie].contains { $0.hasPrefix("access_token_cookie=") })

            let forged = try await client.execute(uri: "/account/logout", method: .post, headers: [.cookie: cookies])
            #expect(forged.status == .unauthorized)
            var headers: HTTPFields = [.cookie: cookies]
            headers.append(contentsOf: Self.form)
            let logout = try await client.execute(
                uri: "/account/logout",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: "csrf_token=\(csrfValue)")
            )
            #expect(logout.status == .seeOther)
            #expect(logout.headers[values: .setCookie].count == 4)
            let after = try await client.execute(uri: "/account", method: .get, headers: [.cookie: cookies])
            #expect(after.status == .seeOther)
            #expect(after.headers[.location] == "/login")
        }
    }
}
