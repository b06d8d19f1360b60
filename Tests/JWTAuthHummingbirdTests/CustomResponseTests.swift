import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

/// The application's own error responses (`expired_token_loader` and friends), its realm, and the
/// quoting of `error_description`.
@Suite struct CustomResponseTests {
    func app(_ fixture: AuthFixture) throws -> some ApplicationProtocol {
        let manager = JWTManager(
            verifier: try fixture.factory.verifier(revocationStore: fixture.store),
            realm: "my \"api\"",
            errorHandlers: [
                .tokenExpired: { error, _ in
                    Response(status: .unauthorized, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "login again")))
                },
                .insufficientScope: { error, _ in
                    Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "nothing here: \(error.code)")))
                },
                .notFound: { _, request in Response(status: .notFound, body: .init(byteBuffer: ByteBuffer(string: "no \(request.uri.path)"))) },
            ]
        )
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
