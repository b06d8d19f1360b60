import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthJWKS
import JWTAuthService
import NIOCore
import Testing

@testable import jwt_auth_example

/// The code of the modules' DocC landing pages, compiled and run: each of their Swift blocks is the body
/// (verbatim) of a function below that a test runs, and `pagesShowOnlyCodeRunHere` checks that it stays so.
/// The Flask-JWT-Extended article has its own file, `FlaskArticleTests.swift`.
@Suite struct DocumentationSnippetTests {
    static let thisFile = "Tests/ExampleTests/DocumentationSnippetTests.swift"
    static let pages = [
        "Sources/JWTAuth/Documentation.docc/JWTAuth.md",
        "Sources/JWTAuthService/Documentation.docc/JWTAuthService.md",
        "Sources/JWTAuthHummingbird/Documentation.docc/JWTAuthHummingbird.md",
        "Sources/JWTAuthJWKS/Documentation.docc/JWTAuthJWKS.md",
    ]
    static let secret = String(repeating: "landing-pages-", count: 3)

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    /// JWTAuth.md: issue and verify without a framework.
    static func coreExample(secret: String) async throws -> [String] {
        let key = try JWTKey.hmac(secret: secret)  // HS256; at least 32 bytes
        let issuer = try TokenIssuer(key: key)
        let verifier = try TokenVerifier(keys: JWTKeySet([key]), revocationStore: MemoryRevocationStore())

        let pair = try issuer.tokenPair(for: "42", claims: ["roles": ["admin"]])
        let verified = try await verifier.verify(pair.access.token)  // signature, claims, type, revocation
        let roles = verified.claims.strings("roles")  // ["admin"]
        return roles
    }

    @Test func jwtAuthPage() async throws {
        #expect(try await Self.coreExample(secret: Self.secret) == ["admin"])
    }

    /// JWTAuth.md: a nested token, signed then encrypted.
    static func nestedExample(secret: String) async throws -> String? {
        let key = try JWTKey.hmac(secret: secret)
        let encryption = try JWEKey.generate(.ecdhESA256KW)  // P-256; or JWEKey(jwk:), JWEKey(pem:), .symmetric(_:)
        let sealingIssuer = try TokenIssuer(key: key, encryptingTo: encryption.publicKey)
        let openingVerifier = try TokenVerifier(keys: JWTKeySet([key]), decryptingWith: JWEDecrypter(key: encryption))
        let nested = try sealingIssuer.accessToken(for: "42", claims: ["email": "zoe@example.com"])
        let email = try await openingVerifier.verify(nested.token).claims.string("email")  // "zoe@example.com"
        return email
    }

    @Test func jwtAuthPageNestedTokens() async throws {
        #expect(try await Self.nestedExample(secret: Self.secret) == "zoe@example.com")
    }

    /// JWTAuthService.md: the auth domain without HTTP.
    static func serviceExample(secret: String) async throws -> (AuthService, refreshed: TokenPair) {
        let key = try JWTKey.hmac(secret: secret)
        let users = MemoryUserStore()  // also the session store; JWTAuthSQLite and JWTAuthPostgres have lasting ones
        let revocations = MemoryRevocationStore()
        let service = AuthService(
            issuer: try TokenIssuer(key: key),
            verifier: try TokenVerifier(keys: JWTKeySet([key]), revocationStore: revocations),
            users: users,
            sessions: users,
            revocations: revocations,
            passwords: PasswordHasher()  // bcrypt, cost 12, off the event loop
        )

        _ = try await service.register(username: "ada", password: "correct horse", clientAddress: "192.0.2.1")
        let pair = try await service.login(username: "ada", password: "correct horse", clientAddress: "192.0.2.1")
        let presented = try await service.verifier.verify(pair.refresh.token, as: .refresh)
        let refreshed = try await service.refresh(presented: presented.claims)  // rotation: the old refresh token is spent
        try await service.logout(access: refreshed.access.claims)  // ends the session: every token of it
        return (service, refreshed)
    }

    @Test func jwtAuthServicePage() async throws {
        let (service, refreshed) = try await Self.serviceExample(secret: Self.secret)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await service.verifier.verify(refreshed.access.token) }
        await #expect(throws: JWTAuthError.invalidCredentials) {
            try await service.login(username: "ada", password: "wrong horse", clientAddress: "192.0.2.1")
        }
    }

    /// JWTAuthHummingbird.md: the example server, reduced to HS256, without its `runService()`.
    static func hummingbirdExample(secret: String) throws -> some ApplicationProtocol {
        let key = try JWTKey.hmac(secret: secret)  // at least 32 bytes
        let issuer = try TokenIssuer(key: key)
        // Revocations are consulted on every request: a revoked `jti` or `sid` is refused at once.
        let store = MemoryRevocationStore()
        let verifier = try TokenVerifier(keys: JWTKeySet([key]), revocationStore: store)
        let manager = JWTManager(verifier: verifier, issuer: issuer)

        let router = Router(context: BasicJWTRequestContext.self)
        // First, so that every error, ours or Hummingbird's, answers {"error": code, "msg": message}.
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.get("/health") { _, _ in ["status": "ok"] }

        // DEMO ONLY: hands anyone a token pair for any subject and roles. A real application checks a
        // password first (JWTAuthRoutes does, over an AuthService).
        router.post("/token") { request, context in
            let body = try await request.decode(as: TokenRequest.self, context: context)
            let roles = JSONValue.array((body.roles ?? []).map(JSONValue.string))
            return TokenResponse(try issuer.tokenPair(for: body.sub, claims: ["roles": roles]))
        }

        // `@jwt_required()`: every route of the group needs a valid, unrevoked access token.
        let api = router.group("/api").add(middleware: manager.middleware(.required))
        api.get("/protected") { _, context in ["user": try context.requireJWT().subject] }
        api.group("/admin").add(middleware: RoleRequiredMiddleware("admin"))
            .get { _, context in ["user": try context.requireJWT().subject, "role": "admin"] }
        api.post("/logout") { _, context in
            // Revoke this access token until it would have expired anyway.
            let claims = try context.requireJWT().claims
            await store.revoke(tokenID: claims.id ?? "", until: claims.expiresAt ?? 0)
            return Response(status: .noContent)
        }

        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8081)))
        return app
    }

    @Test func jwtAuthHummingbirdPage() async throws {
        let app = try Self.hummingbirdExample(secret: Self.secret)
        let issuer = try TokenIssuer(key: JWTKey.hmac(secret: Self.secret))
        let token = try issuer.accessToken(for: "dee").token
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: Self.bearer(token)) { response in
                #expect(String(buffer: response.body) == #"{"user":"dee"}"#)
            }
            try await client.execute(uri: "/api/admin", method: .get, headers: Self.bearer(token)) { response in
                #expect(response.status == .forbidden)
            }
            let json: HTTPFields = [.contentType: "application/json"]
            let body = ByteBuffer(string: #"{"sub": "eve", "roles": ["admin"]}"#)
            try await client.execute(uri: "/token", method: .post, headers: json, body: body) { response in
                #expect(String(buffer: response.body).contains(#""token_type":"Bearer""#))
            }
            try await client.execute(uri: "/api/logout", method: .post, headers: Self.bearer(token)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: Self.bearer(token)) { response in
                #expect(String(buffer: response.body).contains(#""error":"token_revoked""#))
            }
        }
    }

    /// JWTAuthJWKS.md: a resource server that verifies an issuer's tokens with its published keys.
    static func jwksExample(jwksURL: URL) throws -> (JWKSClient, some ApplicationProtocol) {
        let keys = try JWKSClient(url: jwksURL)  // the issuer's /.well-known/jwks.json, over HTTPS
        let manager = try JWTManager(keySource: keys, cache: VerifiedTokenCache())  // no key of its own

        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.group("/api").add(middleware: manager.middleware(.required))
            .get("/protected") { _, context in ["user": try context.requireJWT().subject] }
        let app = Application(router: router, services: [keys])  // the client refreshes the set in the background
        return (keys, app)
    }

    @Test func jwtAuthJWKSPage() async throws {
        // A closed loopback port: the client's fetches fail at once, and no token here needs a key.
        let (keys, app) = try Self.jwksExample(jwksURL: URL(string: "https://127.0.0.1:9/.well-known/jwks.json")!)
        #expect(await keys.status.hasKeys == false)
        // The test runs the application's services, the client among them, and shuts them down after.
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""error":"missing_token""#))
            }
        }
    }

    /// Each landing page names this file, and each of its Swift blocks is code of this file.
    @Test(arguments: pages) func pagesShowOnlyCodeRunHere(page path: String) throws {
        let page = try DocCPage(path)
        #expect(page.namedTestFiles == [Self.thisFile])
        #expect(FileManager.default.fileExists(atPath: DocCPage.packageRoot.appending(path: Self.thisFile).path))
        #expect(!page.swiftBlocks.isEmpty)
        let missing = page.blocksMissing(from: try DocCPage.source(Self.thisFile))
        #expect(missing.isEmpty, "blocks of \(path) that this file does not run, by their first line: \(missing)")
    }
}
