import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Logging
import NIOCore
import Testing

/// The application's own error responses (`expired_token_loader` and friends), its realm, and the
/// quoting of `error_description`.
@Suite struct CustomResponseTests {
    func app(_ fixture: AuthFixture) throws -> some ApplicationProtocol {
        var options = JWTManager.Options(realm: "my \"api\"")
        options.errorHandlers = [
            .tokenExpired: { error, _, _ in
                Response(status: .unauthorized, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "login again")))
            },
            .insufficientScope: { error, _, _ in
                Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "nothing here: \(error.code)")))
            },
            .notFound: { _, request, _ in Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no \(request.uri.path)"))) },
        ]
        let manager = JWTManager(verifier: try fixture.factory.verifier(revocationStore: fixture.store), options: options)
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.group("/api").add(middleware: manager.middleware(.required))
            .get { _, context in AuthFixture.userResponse(context) }
        router.group("/admin").add(middleware: manager.middleware(.required)).add(middleware: RoleRequiredMiddleware("admin"))
            .get { _, context in AuthFixture.userResponse(context) }
        router.group("/scoped").add(middleware: manager.middleware(.required))
            .add(middleware: ClaimsPolicyMiddleware(message: "Missing scope: write") { _ in false })
            .get { _, context in AuthFixture.userResponse(context) }
        return Application(router: router)
    }

    /// The auth routes answer their own errors (a wrong password, a malformed body) through the manager's
    /// handlers too.
    @Test func theAuthRoutesAnswerThroughTheHandlers() async throws {
        let factory = try TokenFactory()
        let users = MemoryUserStore(clock: factory.clock.clock)
        let revocations = MemoryRevocationStore(clock: factory.clock.clock)
        var options = JWTManager.Options()
        options.errorHandlers = [
            .invalidCredentials: { error, request, _ in "\(request.uri.path): \(error.code)" },
            .badRequest: { _, _, _ in Response(status: .badRequest, body: .init(byteBuffer: ByteBuffer(string: "say it again"))) },
        ]
        let manager = JWTManager(verifier: try factory.verifier(revocationStore: revocations), issuer: factory.issuer, options: options)
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        JWTAuthRoutes<BasicJWTRequestContext>(
            manager: manager,
            issuer: factory.issuer,
            users: users,
            sessions: users,
            revocations: revocations,
            passwords: PasswordHasher(cost: 4)
        ).addRoutes(to: router.group("auth"))
        try await Application(router: router).test(.router) { client in
            let headers: HTTPFields = [.contentType: "application/json"]
            let created = try await client.execute(
                uri: "/auth/register",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: #"{"username":"alice","password":"correct horse"}"#)
            )
            #expect(created.status == .created)
            let wrong = try await client.execute(
                uri: "/auth/login",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: #"{"username":"alice","password":"wrong horse!"}"#)
            )
            #expect(wrong.status == .ok)
            #expect(String(buffer: wrong.body) == "/auth/login: invalid_credentials")
            let malformed = try await client.execute(uri: "/auth/login", method: .post, headers: headers, body: ByteBuffer(string: "{}"))
            #expect(malformed.status == .badRequest)
            #expect(String(buffer: malformed.body) == "say it again")
        }
    }

    @Test func aHandlerReplacesTheResponseForItsCode() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "42")
        fixture.clock.now = token.expiresAt
        try await app(fixture).test(.router) { client in
            let response = try await client.send(TokenRequest("/api").carrying(token.token, at: .headers))
            #expect(response.status == .unauthorized)
            #expect(String(buffer: response.body) == "login again")
            #expect(response.headers[.wwwAuthenticate] == nil)
            let unknown = try await client.send(TokenRequest("/elsewhere"))
            #expect(String(buffer: unknown.body) == "no /elsewhere")
        }
    }

    /// Role and claims checks answer through the manager too (`JWTErrorMiddleware`), so that the handler
    /// for `insufficient_scope` applies to them.
    @Test func roleAndClaimsRefusalsUseTheHandler() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "42", claims: ["roles": ["user"]]).token
        try await app(fixture).test(.router) { client in
            for path in ["/admin", "/scoped"] {
                let response = try await client.send(TokenRequest(path).carrying(token, at: .headers))
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body) == "nothing here: insufficient_scope")
            }
        }
    }

    /// Codes without a handler keep the default body, with the manager's realm; quotes in the realm and
    /// in the description cannot break out of the quoted strings.
    @Test func theRealmAndDescriptionAreQuotedStrings() async throws {
        let fixture = try AuthFixture()
        let untyped = try fixture.factory.token(claims: ["sub": "42", "exp": .int(Int64(fixture.clock.now) + 60), "jti": "j"])
        try await app(fixture).test(.router) { client in
            let missing = try await client.send(TokenRequest("/api"))
            #expect(missing.headers[.wwwAuthenticate] == #"Bearer realm="my ?api?""#)
            let response = try await client.send(TokenRequest("/api").carrying(untyped, at: .headers))
            #expect(String(buffer: response.body) == errorBody("invalid_token", #"Token is missing the "type" claim"#))
            #expect(
                response.headers[.wwwAuthenticate]
                    == #"Bearer realm="my ?api?", error="invalid_token", error_description="Token is missing the ?type? claim""#
            )
        }
    }

    /// A body of the application's own, encoded as JSON by the context's encoder.
    struct Refusal: ResponseEncodable {
        let reason: String
        let path: String
    }

    /// What the application tells a refused client, looked up asynchronously.
    actor Notices {
        func reason(for path: String) -> String { path == "/required" ? "signed out elsewhere" : "revoked" }
    }

    /// A handler awaits a lookup, sees the request context and returns any `ResponseGenerator`: a `String`,
    /// an `EditedResponse`, a `Codable` body. One that throws falls back to the default JSON error.
    @Test func asyncHandlersSeeTheContextAndReturnAnyResponseGenerator() async throws {
        let fixture = try AuthFixture()
        let notices = Notices()
        var manager = try fixture.manager()
        manager.errorHandlers[.tokenRevoked] = { error, request, context in
            let reason = await notices.reason(for: request.uri.path)
            context.logger.info("Refused a revoked token", metadata: ["jwt.error": "\(error.code)"])
            return EditedResponse(status: .gone, headers: [.cacheControl: "no-store"], response: Refusal(reason: reason, path: request.uri.path))
        }
        manager.errorHandlers[.missingToken] = { _, request, _ in "Log in to see \(request.uri.path)" }
        manager.errorHandlers[.invalidToken] = { _, _, _ in throw CancellationError() }
        let token = try fixture.issuer.accessToken(for: "42")
        await fixture.store.revoke(tokenID: token.id, until: token.expiresAt)
        try await fixture.app(manager).test(.router) { client in
            let revoked = try await client.send(TokenRequest("/required").carrying(token.token, at: .headers))
            #expect(revoked.status == .gone)
            #expect(revoked.headers[.cacheControl] == "no-store")
            #expect(revoked.headers[.contentType]?.hasPrefix("application/json") == true)
            let body = try JSONDecoder().decode([String: String].self, from: Data(String(buffer: revoked.body).utf8))
            #expect(body == ["reason": "signed out elsewhere", "path": "/required"])
            let missing = try await client.send(TokenRequest("/optional/admin"))
            #expect(String(buffer: missing.body) == "Log in to see /optional/admin")
            #expect(missing.status == .ok)
            let failing = try await client.send(TokenRequest("/required").carrying("x.y.z", at: .headers))
            #expect(failing.status == .unauthorized)
            #expect(String(buffer: failing.body).hasPrefix(#"{"error":"invalid_token","msg":"#))
        }
    }

    /// `JWTAuthError` is an `HTTPResponseError`: thrown without `JWTErrorMiddleware`, Hummingbird still
    /// answers with its JSON body and challenge.
    @Test func errorsThrownWithoutTheErrorMiddleware() async throws {
        let router = Router(context: BasicJWTRequestContext.self)
        router.get("/scope") { _, _ -> String in throw JWTAuthError.insufficientScope(role: "admin") }
        router.get("/me") { _, context in try context.requireJWT().subject }
        try await Application(router: router).test(.router) { client in
            let scope = try await client.send(TokenRequest("/scope"))
            expectError(scope, .forbidden, "insufficient_scope", "Missing required role: admin", challenge: .insufficientScope)
            let me = try await client.send(TokenRequest("/me"))
            expectError(me, .unauthorized, "missing_token", "Missing Authorization Header", challenge: .realm)
        }
    }
}
