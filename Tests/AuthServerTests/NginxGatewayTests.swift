import Foundation
import JWTAuth
import Testing

/// nginx (`auth_request` → `GET /auth/verify`) in front of an echo upstream, with the configuration of
/// docs/gateways/nginx.conf and the real `jwt-auth serve`. Needs `JWT_AUTH_NGINX` (scripts/gateway-env nginx).
@Suite(.serialized, .enabled(if: GatewayFixture.Kind.nginx.isAvailable, "set JWT_AUTH_NGINX (scripts/gateway-env nginx) to run these"))
struct NginxGatewayTests {
    static func bearer(_ token: String) -> (String, String) { ("Authorization", "Bearer \(token)") }
    static var now: Double { Date().timeIntervalSince1970 }

    @Test func apiRequestsReachTheUpstreamWithTheVerifiedIdentityOnly() async throws {
        try await GatewayFixture.with(.nginx) { gateway in
            let (access, _) = try gateway.registerAndLogin("nina")

            let missing = try gateway.request("GET", "/api/orders")
            #expect(missing.status == 401)
            #expect(try missing.json()["error"] == "missing_token")
            #expect(try missing.json()["msg"]?.stringValue?.contains("Missing Authorization Header") == true)
            #expect(missing.values("WWW-Authenticate") == [#"Bearer realm="jwt-auth""#])
            #expect(gateway.upstreamCalls == 0, "the upstream must not be called without a token")

            let spoofed = [
                Self.bearer(access), ("X-Auth-Subject", "999"), ("X-Auth-Roles", "admin"), ("X-Auth-Session", "stolen"),
            ]
            let passed = try gateway.request("GET", "/api/orders?page=2", headers: spoofed)
            #expect(passed.status == 200)
            #expect(passed.echoed["uri"] == "/api/orders?page=2")
            #expect(passed.echoed["subject"] == "1")
            #expect(passed.echoed["roles"] == "", "a client's X-Auth-Roles must not survive")
            let session = try #require(passed.echoed["session"])
            #expect(!session.isEmpty && session != "stolen")
            #expect(gateway.upstreamCalls == 1)

            // The sub-request is a GET without the body whatever the original method.
            let posted = try gateway.request("POST", "/api/orders", headers: [Self.bearer(access)], body: #"{"item":1}"#)
            #expect(posted.status == 200)
            #expect(gateway.upstreamCalls == 2)
        }
    }

    @Test func expiredForgedAndRevokedTokensGet401WithTheErrorBody() async throws {
        try await GatewayFixture.with(.nginx) { gateway in
            let (access, _) = try gateway.registerAndLogin("omar")

            let expired = try gateway.request("GET", "/api/orders", headers: [Self.bearer(try GatewayFixture.token(at: Self.now - 3600))])
            #expect(expired.status == 401)
            #expect(try expired.json() == ["error": "token_expired", "msg": "Token has expired"])
            #expect(expired.values("WWW-Authenticate").count == 1)
            #expect(expired.header("WWW-Authenticate")?.contains(#"error="invalid_token""#) == true)

            let otherKey = try JWTKey.hmac(secret: "not-the-service-secret-0123456789abcdef")
            let forgedToken = try GatewayFixture.token(at: Self.now, key: otherKey)
            let forged = try gateway.request("GET", "/api/orders", headers: [Self.bearer(forgedToken)])
            #expect(forged.status == 401)
            #expect(try forged.json()["error"] == "invalid_token")
            #expect(try forged.json()["msg"] == "Signature verification failed")

            let garbage = try gateway.request("GET", "/api/orders", headers: [("Authorization", "Bearer not.a-token")])
            #expect(garbage.status == 401)
            #expect(try garbage.json()["error"] == "invalid_token")
            #expect(gateway.upstreamCalls == 0)

            #expect(try gateway.request("GET", "/api/orders", headers: [Self.bearer(access)]).status == 200)
            let logout = try gateway.request("POST", "/auth/logout", headers: [Self.bearer(access)])
            #expect(logout.status == 204)
            let revoked = try gateway.request("GET", "/api/orders", headers: [Self.bearer(access)])
            #expect(revoked.status == 401)
            #expect(try revoked.json() == ["error": "token_revoked", "msg": "Token has been revoked"])
            #expect(gateway.upstreamCalls == 1)
        }
    }

    @Test func browsersAreRedirectedToLoginAndCookiesFollowTheCSRFRule() async throws {
        try await GatewayFixture.with(.nginx) { gateway in
            let (_, cookies) = try gateway.registerAndLogin("paula")
            let accessCookie = try #require(cookies["access_token_cookie"])
            let csrf = try #require(cookies["csrf_access_token"])

            let anonymous = try gateway.request("GET", "/app/home")
            #expect(anonymous.status == 302)
            #expect(anonymous.header("Location") == "/login?next=/app/home")
            #expect(gateway.upstreamCalls == 0)

            let cookie = ("Cookie", "access_token_cookie=\(accessCookie); csrf_access_token=\(csrf)")
            let page = try gateway.request("GET", "/app/home", headers: [cookie])
            #expect(page.status == 200)
            #expect(page.echoed["subject"] == "1")

            // The CSRF rule applies to the original method, which nginx passes as X-Original-Method.
            let withoutCSRF = try gateway.request("POST", "/api/orders", headers: [cookie], body: "{}")
            #expect(withoutCSRF.status == 401)
            #expect(try withoutCSRF.json()["error"] == "csrf_failed")
            let claimsGET = [cookie, ("X-Forwarded-Method", "GET"), ("X-Original-Method", "GET")]
            let spoofed = try gateway.request("POST", "/api/orders", headers: claimsGET, body: "{}")
            #expect(spoofed.status == 401, "a client's own X-Forwarded-Method must not lift the CSRF rule")
            let withCSRF = try gateway.request("POST", "/api/orders", headers: [cookie, ("X-CSRF-TOKEN", csrf)], body: "{}")
            #expect(withCSRF.status == 200)
            #expect(gateway.upstreamCalls == 2)
        }
    }

    @Test func aRoleRestrictedLocationAnswers403WithoutTheRole() async throws {
        try await GatewayFixture.with(.nginx) { gateway in
            let (access, _) = try gateway.registerAndLogin("quinn")
            let refused = try gateway.request("GET", "/admin/panel", headers: [Self.bearer(access)])
            #expect(refused.status == 403)
            #expect(try refused.json() == ["error": "insufficient_scope", "msg": "Missing required role: admin"])
            #expect(refused.header("WWW-Authenticate")?.contains(#"error="insufficient_scope""#) == true)
            #expect(gateway.upstreamCalls == 0)

            let admin = try GatewayFixture.token(at: Self.now, subject: "1", claims: ["roles": ["admin", "ops"]])
            let allowed = try gateway.request("GET", "/admin/panel", headers: [Self.bearer(admin)])
            #expect(allowed.status == 200)
            #expect(allowed.echoed["roles"] == "admin,ops")
            #expect(gateway.upstreamCalls == 1)
        }
    }

    @Test func theGatewayFailsClosedWhenTheServiceIsDown() async throws {
        try await GatewayFixture.with(.nginx) { gateway in
            let (access, _) = try gateway.registerAndLogin("rosa")
            #expect(try gateway.request("GET", "/api/orders", headers: [Self.bearer(access)]).status == 200)
            await gateway.stopService()
            let down = try gateway.request("GET", "/api/orders", headers: [Self.bearer(access)])
            #expect(down.status == 503)
            #expect(try down.json()["error"] == "unavailable")
            let anonymous = try gateway.request("GET", "/app/home")
            #expect(anonymous.status == 503)
            #expect(gateway.upstreamCalls == 1)
        }
    }
}
