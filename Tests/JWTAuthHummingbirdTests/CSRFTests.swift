import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

/// The double submit for cookie-borne tokens, and OPTIONS, which never needs a token.
@Suite struct CSRFTests {
    let fixture: AuthFixture
    let pair: TokenPair
    var csrf: String { pair.access.claims.csrf ?? "" }

    init() throws {
        fixture = try AuthFixture()
        pair = try fixture.pair()
    }

    func app(cookies: JWTCookieConfiguration = JWTCookieConfiguration()) throws -> some ApplicationProtocol {
        let manager = try fixture.manager(locations: [.cookies, .headers], cookies: cookies)
        return fixture.app(manager) { router in
            router.group("/form").add(middleware: manager.middleware(.required))
                .post { request, context in
                    var request = request
                    let body = try await request.collectBody(upTo: 1024)
                    return AuthFixture.json(["user": .string(try context.requireJWT().subject), "body": .string(String(buffer: body))])
                }
        }
    }

    var cookieRequest: TokenRequest { TokenRequest("/required", method: .post).carrying(pair.access.token, at: .cookies) }

    @Test(arguments: [HTTPRequest.Method.post, .put, .patch, .delete])
    func stateChangingMethodsNeedTheCSRFValue(_ method: HTTPRequest.Method) async throws {
        let request = cookieRequest.withMethod(method)
        try await app().test(.router) { client in
            expectError(try await client.send(request), .unauthorized, "csrf_failed", "Missing CSRF token", challenge: .invalidToken)
            let wrong = try await client.send(request.withCSRF("not-the-value"))
            expectError(wrong, .unauthorized, "csrf_failed", "CSRF double submit tokens do not match", challenge: .invalidToken)
            expectUser(try await client.send(request.withCSRF(csrf)), "42")
        }
    }

    @Test func theCSRFValueIsTheTokensClaimNotTheCookie() async throws {
        #expect(!csrf.isEmpty)
        let other = try fixture.pair().access.claims.csrf ?? ""
        try await app().test(.router) { client in
            // A readable csrf cookie that matches the header proves nothing: only the signed claim counts.
            let forged = cookieRequest.withCookie("csrf_access_token", other).withCSRF(other)
            expectError(
                try await client.send(forged),
                .unauthorized,
                "csrf_failed",
                "CSRF double submit tokens do not match",
                challenge: .invalidToken
            )
            expectError(
                try await client.send(cookieRequest.withCSRF("")),
                .unauthorized,
                "csrf_failed",
                "Missing CSRF token",
                challenge: .invalidToken
            )
        }
    }

    @Test func formFieldCarriesTheCSRFValueAndTheHandlerStillReadsTheBody() async throws {
        let form = "name=Ada+Lovelace&csrf_token=\(csrf)&note=caf%C3%A9"
        try await app().test(.router) { client in
            let response = try await client.send(TokenRequest("/form", method: .post).carrying(pair.access.token, at: .cookies).withForm(form))
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"body":"\#(form)","user":"42"}"#)
            let wrong = TokenRequest("/form", method: .post).carrying(pair.access.token, at: .cookies).withForm("csrf_token=nope")
            expectError(
                try await client.send(wrong),
                .unauthorized,
                "csrf_failed",
                "CSRF double submit tokens do not match",
                challenge: .invalidToken
            )
            let none = TokenRequest("/form", method: .post).carrying(pair.access.token, at: .cookies).withForm("name=x")
            expectError(try await client.send(none), .unauthorized, "csrf_failed", "Missing CSRF token", challenge: .invalidToken)
        }
    }

    /// A form field in a body that is not form-encoded does not count.
    @Test func formFieldOnlyInAFormBody() async throws {
        let request = TokenRequest("/form", method: .post).carrying(pair.access.token, at: .cookies)
            .withBody("csrf_token=\(csrf)", contentType: "text/plain")
        try await app().test(.router) { client in
            expectError(try await client.send(request), .unauthorized, "csrf_failed", "Missing CSRF token", challenge: .invalidToken)
        }
    }

    @Test func getNeedsNoCSRFValue() async throws {
        let request = cookieRequest.withMethod(.get)
        try await app().test(.router) { client in
            expectUser(try await client.send(request), "42")
        }
    }

    @Test func headerTokensNeedNoCSRFValue() async throws {
        try await app().test(.router) { client in
            expectUser(try await client.send(TokenRequest("/required", method: .post).carrying(pair.access.token, at: .headers)), "42")
        }
    }

    @Test func csrfProtectionCanBeTurnedOff() async throws {
        try await app(cookies: JWTCookieConfiguration(csrfProtection: false)).test(.router) { client in
            expectUser(try await client.send(cookieRequest), "42")
        }
    }

    @Test func aCookieTokenWithoutACSRFClaimIsRefused() async throws {
        let token = try fixture.factory.token(claims: [
            "sub": "42", "exp": .int(Int64(fixture.clock.now) + 60), "jti": "j", "type": "access",
        ])
        try await app().test(.router) { client in
            let request = TokenRequest("/required", method: .post).carrying(token, at: .cookies).withCSRF("anything")
            expectError(try await client.send(request), .unauthorized, "csrf_failed", "Missing claim: csrf", challenge: .invalidToken)
        }
    }

    /// OPTIONS (a CORS preflight) never needs a token: not on a route outside the protected groups, and
    /// not on one inside them either, whatever it carries.
    @Test func optionsNeverNeedsAToken() async throws {
        let manager = try fixture.manager(locations: [.cookies, .headers])
        let app = fixture.app(manager) { router in
            router.on("/preflight", method: .options) { _, _ in Response(status: .noContent, headers: [.allow: "GET, POST"]) }
        }
        try await app.test(.router) { client in
            let outside = try await client.send(TokenRequest("/preflight", method: .options))
            #expect(outside.status == .noContent)
            #expect(outside.headers[.allow] == "GET, POST")
            for route in RouteRequirement.allCases {
                expectUser(try await client.send(TokenRequest(route.path, method: .options)), nil)
                expectUser(try await client.send(TokenRequest(route.path, method: .options).with(.authorization, "Bearer garbage")), nil)
                expectUser(try await client.send(TokenRequest(route.path, method: .options).carrying("garbage", at: .cookies)), nil)
            }
        }
    }
}
