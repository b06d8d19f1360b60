import Foundation
import JWTAuth
import Testing

/// Caddy (`forward_auth` → `GET /auth/verify`, the same protocol as Traefik's forwardAuth: `GET`,
/// `X-Forwarded-Method`, refusals passed to the client as they are) in front of an echo upstream, with
/// docs/gateways/Caddyfile and the real `jwt-auth serve`. Needs `JWT_AUTH_CADDY` (scripts/gateway-env caddy).
@Suite(.serialized, .enabled(if: GatewayFixture.Kind.caddy.isAvailable, "set JWT_AUTH_CADDY (scripts/gateway-env caddy) to run these"))
struct CaddyGatewayTests {
    static func bearer(_ token: String) -> (String, String) { ("Authorization", "Bearer \(token)") }
    static var now: Double { Date().timeIntervalSince1970 }

    @Test func tokensAreCheckedAndTheIdentityForwarded() async throws {
        try await GatewayFixture.with(.caddy) { gateway in
            let (access, _) = try gateway.registerAndLogin("sven")

            let missing = try gateway.request("GET", "/api/orders")
            #expect(missing.status == 401)
            #expect(try missing.json()["error"] == "missing_token")
            #expect(missing.values("WWW-Authenticate") == [#"Bearer realm="jwt-auth""#])

            let spoofed = [Self.bearer(access), ("X-Auth-Subject", "999"), ("X-Auth-Roles", "admin")]
            let passed = try gateway.request("GET", "/api/orders?page=2", headers: spoofed)
            #expect(passed.status == 200)
            #expect(passed.echoed["uri"] == "/api/orders?page=2")
            #expect(passed.echoed["subject"] == "1")
            #expect(passed.echoed["roles"] == "", "a client's X-Auth-Roles must not survive")
            #expect(passed.echoed["session"]?.isEmpty == false)

            let expired = try gateway.request("GET", "/api/orders", headers: [Self.bearer(try GatewayFixture.token(at: Self.now - 3600))])
            #expect(expired.status == 401)
            #expect(try expired.json() == ["error": "token_expired", "msg": "Token has expired"])

            let forgedKey = try JWTKey.hmac(secret: "not-the-service-secret-0123456789abcdef")
            let forged = try gateway.request("GET", "/api/orders", headers: [Self.bearer(try GatewayFixture.token(at: Self.now, key: forgedKey))])
            #expect(forged.status == 401)
            #expect(try forged.json()["msg"] == "Signature verification failed")

            #expect(try gateway.request("POST", "/auth/logout", headers: [Self.bearer(access)]).status == 204)
            let revoked = try gateway.request("GET", "/api/orders", headers: [Self.bearer(access)])
            #expect(revoked.status == 401)
            #expect(try revoked.json()["error"] == "token_revoked")
        }
    }

    @Test func cookiesRolesAndAServiceThatIsDown() async throws {
        try await GatewayFixture.with(.caddy) { gateway in
            let (access, cookies) = try gateway.registerAndLogin("tara")
            let cookie = ("Cookie", "access_token_cookie=\(try #require(cookies["access_token_cookie"]))")
            let csrf = try #require(cookies["csrf_access_token"])

            #expect(try gateway.request("GET", "/api/page", headers: [cookie]).status == 200)
            let withoutCSRF = try gateway.request("POST", "/api/orders", headers: [cookie], body: "{}")
            #expect(withoutCSRF.status == 401)
            #expect(try withoutCSRF.json()["error"] == "csrf_failed")
            let spoofedMethod = try gateway.request("POST", "/api/orders", headers: [cookie, ("X-Forwarded-Method", "GET")], body: "{}")
            #expect(spoofedMethod.status == 401, "Caddy sets X-Forwarded-Method itself")
            #expect(try gateway.request("POST", "/api/orders", headers: [cookie, ("X-CSRF-TOKEN", csrf)], body: "{}").status == 200)

            let refused = try gateway.request("GET", "/admin/panel", headers: [Self.bearer(access)])
            #expect(refused.status == 403)
            #expect(try refused.json() == ["error": "insufficient_scope", "msg": "Missing required role: admin"])
            let admin = try GatewayFixture.token(at: Self.now, claims: ["roles": ["admin", "ops"]])
            let allowed = try gateway.request("GET", "/admin/panel", headers: [Self.bearer(admin)])
            #expect(allowed.status == 200)
            #expect(allowed.echoed["roles"] == "admin,ops")

            await gateway.stopService()
            let down = try gateway.request("GET", "/api/orders", headers: [Self.bearer(access)])
            #expect(down.status == 502, "jwt-auth down: Caddy refuses, it never lets the request through")
            #expect(down.echoed["subject"] == nil)
        }
    }
}
