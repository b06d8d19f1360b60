import HTTPTypes
import Hummingbird
import HummingbirdAuth
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Testing

/// 403 `insufficient_scope` from `RoleRequiredMiddleware`, `ClaimsPolicyMiddleware`, and hummingbird-auth's
/// `AuthorizationPolicyMiddleware` with `RolePolicy<JWTIdentity>`.
@Suite struct RolePolicyTests {
    func app(_ fixture: AuthFixture) throws -> some ApplicationProtocol {
        let manager = try fixture.manager()
        return fixture.app(manager) { router in
            router.group("/ops").add(middleware: manager.middleware(.required))
                .add(middleware: RoleRequiredMiddleware("admin", "ops"))
                .get { _, context in AuthFixture.userResponse(context) }
                .on("", method: .options) { _, _ in Response(status: .noContent) }
            router.group("/groups").add(middleware: manager.middleware(.required))
                .add(middleware: RoleRequiredMiddleware("staff", claim: "groups"))
                .get { _, context in AuthFixture.userResponse(context) }
            router.group("/scoped").add(middleware: manager.middleware(.required))
                .add(middleware: ClaimsPolicyMiddleware(message: "Missing scope: write") { $0.strings("scope").contains("write") })
                .get { _, context in AuthFixture.userResponse(context) }
                .on("", method: .options) { _, _ in Response(status: .noContent) }
            router.group("/policy").add(middleware: manager.middleware(.optional))
                .add(
                    middleware: AuthorizationPolicyMiddleware(
                        RolePolicy<JWTIdentity>("admin"),
                        deniedError: JWTAuthError.insufficientScope(role: "admin"),
                        context: BasicJWTRequestContext.self
                    )
                )
                .get { _, context in AuthFixture.userResponse(context) }
        }
    }

    func token(_ fixture: AuthFixture, _ claims: [String: JSONValue]) throws -> String {
        try fixture.issuer.accessToken(for: "5", claims: claims).token
    }

    @Test func roleRequiredMiddleware() async throws {
        let fixture = try AuthFixture()
        try await app(fixture).test(.router) { client in
            let user = try token(fixture, ["roles": ["user"]])
            let admin = try token(fixture, ["roles": ["admin"]])
            let both = try token(fixture, ["roles": ["ops", "admin"]])
            let none = try token(fixture, [:])
            for (token, missing) in [(user, "admin"), (admin, "ops"), (none, "admin")] {
                let response = try await client.send(TokenRequest("/ops").carrying(token, at: .headers))
                expectError(response, .forbidden, "insufficient_scope", "Missing required role: \(missing)", challenge: .insufficientScope)
            }
            expectUser(try await client.send(TokenRequest("/ops").carrying(both, at: .headers)), "5")
            // Without a token, the JWT middleware answers first.
            expectError(
                try await client.send(TokenRequest("/ops")),
                .unauthorized,
                "missing_token",
                "Missing Authorization Header",
                challenge: .realm
            )
        }
    }

    @Test func rolesFromAnotherClaim() async throws {
        let fixture = try AuthFixture()
        try await app(fixture).test(.router) { client in
            let staff = try token(fixture, ["groups": "staff visitors", "roles": ["user"]])
            expectUser(try await client.send(TokenRequest("/groups").carrying(staff, at: .headers)), "5")
            let rolesOnly = try token(fixture, ["roles": ["staff"]])
            let response = try await client.send(TokenRequest("/groups").carrying(rolesOnly, at: .headers))
            expectError(response, .forbidden, "insufficient_scope", "Missing required role: staff", challenge: .insufficientScope)
        }
    }

    @Test func claimsPolicyMiddleware() async throws {
        let fixture = try AuthFixture()
        try await app(fixture).test(.router) { client in
            let writer = try token(fixture, ["scope": "read write"])
            expectUser(try await client.send(TokenRequest("/scoped").carrying(writer, at: .headers)), "5")
            let reader = try token(fixture, ["scope": "read"])
            let response = try await client.send(TokenRequest("/scoped").carrying(reader, at: .headers))
            expectError(response, .forbidden, "insufficient_scope", "Missing scope: write", challenge: .insufficientScope)
        }
    }

    /// `JWTAuthError` as hummingbird-auth's `deniedError`: thrown by the policy middleware and rendered
    /// by `JWTErrorMiddleware` in the same JSON shape.
    @Test func authorizationPolicyMiddlewareWithRolePolicy() async throws {
        let fixture = try AuthFixture()
        try await app(fixture).test(.router) { client in
            let admin = try token(fixture, ["roles": ["admin", "user"]])
            expectUser(try await client.send(TokenRequest("/policy").carrying(admin, at: .headers)), "5")
            let user = try token(fixture, ["roles": ["user"]])
            let response = try await client.send(TokenRequest("/policy").carrying(user, at: .headers))
            expectError(response, .forbidden, "insufficient_scope", "Missing required role: admin", challenge: .insufficientScope)
            // No identity at all (an optional route without a token): hummingbird-auth's 401, in our shape.
            let anonymous = try await client.send(TokenRequest("/policy"))
            expectError(anonymous, .unauthorized, "missing_token", "Missing Authorization Header", challenge: .realm)
        }
    }

    /// A preflight passes the role and claims checks, which have no identity to look at.
    @Test func optionsPassesRoleAndClaimsChecks() async throws {
        let fixture = try AuthFixture()
        try await app(fixture).test(.router) { client in
            for path in ["/ops", "/scoped"] {
                let response = try await client.send(TokenRequest(path, method: .options))
                #expect(response.status == .noContent)
            }
        }
    }

    @Test func identityRolesFeedRolePolicy() async throws {
        let fixture = try AuthFixture()
        let verified = try fixture.factory.verifier().decode(try token(fixture, ["roles": ["admin", "user"]]))
        let identity = JWTIdentity(token: verified, rawToken: "", location: .headers)
        #expect(identity.roles == ["admin", "user"])
        let request = Request(head: HTTPRequest(method: .get, scheme: "http", authority: "test", path: "/"), body: .init(buffer: .init()))
        #expect(try await RolePolicy<JWTIdentity>("admin").isAuthorized(identity: identity, request: request))
        #expect(try await !RolePolicy<JWTIdentity>("ops").isAuthorized(identity: identity, request: request))
    }
}
