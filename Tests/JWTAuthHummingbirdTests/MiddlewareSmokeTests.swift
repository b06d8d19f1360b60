import Hummingbird
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Testing

@Suite struct MiddlewareSmokeTests {
    func makeApp(_ factory: TokenFactory) throws -> some ApplicationProtocol {
        let manager = JWTManager(verifier: try factory.verifier(revocationStore: MemoryRevocationStore(clock: factory.clock.clock)))
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.get("/open") { _, _ in "open" }
        router.group("/api").add(middleware: manager.middleware(.required))
            .get("/protected") { _, context in ["user": try context.requireJWT().subject] }
        router.group("/api/admin").add(middleware: manager.middleware(.required))
            .add(middleware: RoleRequiredMiddleware("admin"))
            .get { _, _ in "admin" }
        return Application(router: router)
    }

    @Test func protectedRouteNeedsAToken() async throws {
        let factory = try TokenFactory()
        let token = try factory.issuer.accessToken(for: "42", claims: ["roles": ["user"]]).token
        try await makeApp(factory).test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body) == #"{"error":"missing_token","msg":"Missing Authorization Header"}"#)
                #expect(response.headers[.wwwAuthenticate] == #"Bearer realm="jwt-auth""#)
            }
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(token)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"user":"42"}"#)
            }
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(token + "x")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.contains(#"error="invalid_token""#) == true)
            }
            try await client.execute(uri: "/api/admin", method: .get, auth: .bearer(token)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body) == #"{"error":"insufficient_scope","msg":"Missing required role: admin"}"#)
            }
            try await client.execute(uri: "/nowhere", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(String(buffer: response.body).contains(#""error":"not_found""#))
            }
        }
    }
}
