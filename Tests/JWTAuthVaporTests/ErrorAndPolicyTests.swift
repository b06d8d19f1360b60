#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTestSupport
import JWTAuthTesting
import JWTAuthVapor
import NIOCore
import Testing
import Vapor
import VaporTesting

/// Roles and claims policies, the error middleware, custom error handlers, a failing store (503) and the
/// typed user lookup.
@Suite struct ErrorAndPolicyTests {
    @Test func rolesAreChecked() async throws {
        let fixture = try VaporFixture()
        let plain = try fixture.issuer.accessToken(for: "42")
        let admin = try fixture.issuer.accessToken(for: "7", claims: ["roles": ["admin"]])
        try await fixture.withApp(try fixture.manager()) { app in
            let refused = try await app.send(.GET, Carried("/required/admin", plain.token, at: .headers))
            expectError(
                refused,
                .forbidden,
                "insufficient_scope",
                "Missing required role: admin",
                challenge: #"Bearer realm="jwt-auth", error="insufficient_scope", error_description="Missing required role: admin""#
            )
            let allowed = try await app.send(.GET, Carried("/required/admin", admin.token, at: .headers))
            #expect(allowed.object["user"] == "7")
        }
    }

    @Test func claimsPolicies() async throws {
        let fixture = try VaporFixture()
        let reader = try fixture.issuer.accessToken(for: "42", claims: ["scope": "read"])
        let routes: @Sendable (Application) throws -> Void = { app in
            app.grouped(JWTAuthMiddleware()).grouped(ClaimsPolicyMiddleware(message: "Needs scope write") { $0.members["scope"] == "write" })
                .get("write") { _ in "ok" }
        }
        try await fixture.withApp(try fixture.manager(), routes: routes) { app in
            let response = try await app.send(.GET, Carried("/write", reader.token, at: .headers))
            #expect(response.status == .forbidden)
            #expect(response.object["msg"] == "Needs scope write")
        }
    }

    @Test func aRevocationStoreThatIsDownFailsClosed() async throws {
        let fixture = try VaporFixture()
        let token = try fixture.issuer.accessToken(for: "42")
        try await fixture.withApp(try fixture.manager(revocationStore: FailingRevocationStore())) { app in
            let response = try await app.send(.GET, Carried("/required", token.token, at: .headers))
            #expect(response.status == .serviceUnavailable)
            #expect(response.object["error"] == "unavailable")
            #expect(response.headers.first(name: .wwwAuthenticate) == nil)
        }
    }

    @Test func customErrorHandlersReplaceTheResponse() async throws {
        let fixture = try VaporFixture()
        var manager = try fixture.manager()
        manager.errorHandlers[.missingToken] = { error, _ in Response(status: .imATeapot, body: .init(string: error.message)) }
        try await fixture.withApp(manager) { app in
            let response = try await app.send(.GET, "/required")
            #expect(response.status == .imATeapot)
            #expect(response.text == "Missing Authorization Header")
        }
    }

    @Test func theErrorMiddlewareAnswersInJSON() async throws {
        let fixture = try VaporFixture()
        let routes: @Sendable (Application) throws -> Void = { app in
            app.get("boom") { _ -> String in throw JWTAuthError.conflict() }
            app.get("abort") { _ -> String in throw Abort(.gone) }
            app.get("crash") { _ -> String in
                struct Secret: Error {}
                throw Secret()
            }
            app.get("whoami") { request in try request.jwtAuth.identity.subject }
        }
        try await fixture.withApp(try fixture.manager(), routes: routes) { app in
            expectError(
                try await app.send(.GET, "/nowhere"),
                .notFound,
                "not_found",
                "The requested URL was not found on the server.",
                challenge: nil
            )
            expectError(try await app.send(.GET, "/boom"), .conflict, "conflict", "Username already exists", challenge: nil)
            let gone = try await app.send(.GET, "/abort")
            #expect(gone.status == .gone)
            #expect(gone.object["error"] == "bad_request")
            expectError(try await app.send(.GET, "/crash"), .internalServerError, "internal_error", "Internal server error", challenge: nil)
            expectError(
                try await app.send(.GET, "/whoami"),
                .unauthorized,
                "missing_token",
                "Missing Authorization Header",
                challenge: #"Bearer realm="jwt-auth""#
            )
        }
    }

    @Test func decodedClaimsAndTheTypedUser() async throws {
        struct MyClaims: Decodable {
            var sub: String
            var tenant: String
        }
        struct Account: Sendable {
            var name: String
        }
        let fixture = try VaporFixture()
        let token = try fixture.issuer.accessToken(for: "42", claims: ["tenant": "acme"])
        let ghost = try fixture.issuer.accessToken(for: "404")
        let routes: @Sendable (Application) throws -> Void = { app in
            let users = app.grouped(JWTAuthMiddleware()).grouped(
                JWTUserMiddleware(Account.self) { identity, _ in identity.subject == "42" ? Account(name: "alice") : nil }
            )
            users.get("account") { request in
                let claims = try request.jwtAuth.claims(as: MyClaims.self)
                return "\(try request.jwtAuth.user(as: Account.self).name)@\(claims.tenant)"
            }
        }
        try await fixture.withApp(try fixture.manager(), routes: routes) { app in
            #expect(try await app.send(.GET, Carried("/account", token.token, at: .headers)).text == "alice@acme")
            let missing = try await app.send(.GET, Carried("/account", ghost.token, at: .headers))
            expectError(
                missing,
                .unauthorized,
                "user_not_found",
                "Error loading the user 404",
                challenge: #"Bearer realm="jwt-auth", error="invalid_token", error_description="Error loading the user 404""#
            )
        }
    }

    @Test func aMissingManagerStopsStartUp() async throws {
        try await VaporTesting.withApp { app in
            app.lifecycle.use(JWTAuthLifecycle())
            #expect(throws: JWTAuthError.self) { try app.boot() }
        }
    }
}
#endif
