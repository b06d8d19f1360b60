import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

/// The code of the DocC pages of JWTAuthHummingbird, compiled and run here; a test checks that every
/// line of the pages' Swift blocks is a line of this file or of the example server, so that the
/// pages cannot drift from code that compiles.
@Suite struct DocumentationSnippetTests {
    static let secret = String(repeating: "guide-secret-", count: 3)

    /// The "Coming from Flask-JWT-Extended" page's code, in order.
    static func flaskGuideApplication(secret: String, users: any UserStore) throws -> some ApplicationProtocol {
        let key = try JWTKey.hmac(secret: secret)  // JWT_SECRET_KEY; at least 32 bytes
        let configuration = TokenConfiguration(
            accessTokenLifetime: .seconds(15 * 60),  // JWT_ACCESS_TOKEN_EXPIRES
            includesCSRFClaim: true  // JWT_COOKIE_CSRF_PROTECT for tokens carried by cookies
        )
        let issuer = try TokenIssuer(key: key, configuration: configuration) { subject, type in
            ["roles": ["user"]]  // additional_claims_loader
        }
        let verifier = try TokenVerifier(
            keys: JWTKeySet([key]),
            configuration: configuration,
            revocationStore: MemoryRevocationStore()  // token_in_blocklist_loader
        )
        let manager = JWTManager(
            verifier: verifier,
            issuer: issuer,
            locations: [.headers, .cookies],  // JWT_TOKEN_LOCATION
            userLoader: { identity in try await users.user(id: identity.subject) },  // user_lookup_loader
            errorHandlers: [
                .tokenExpired: { error, _ in  // expired_token_loader
                    Response(status: .unauthorized, body: .init(byteBuffer: ByteBuffer(string: #"{"msg":"The token has expired"}"#)))
                }
            ],
            implicitRefresh: .seconds(5 * 60)  // re-issue the access cookie when less than 5 minutes remain
        )

        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))

        router.group("/api").add(middleware: manager.middleware(.required))  // @jwt_required()
            .get("/protected") { _, context in ["user": try context.requireJWT().subject] }

        router.group("/api/optional").add(middleware: manager.middleware(.optional))  // @jwt_required(optional=True)
            .get { _, context in ["user": context.identity?.subject ?? "anonymous"] }

        router.group("/api/admin").add(middleware: manager.middleware(.required))
            .add(middleware: RoleRequiredMiddleware("admin"))  // 403 insufficient_scope without the role
            .get { _, context in ["user": context.identity?.user(as: UserRecord.self)?.username ?? ""] }  // current_user

        router.group("/auth/refresh").add(middleware: manager.middleware(.refresh))  // @jwt_required(refresh=True)
            .post { _, context in
                let refresh = try context.requireJWT()
                let access = try issuer.accessToken(for: refresh.subject, sessionID: refresh.claims.sessionID, csrf: refresh.claims.csrf)
                var response = Response(status: .noContent)
                manager.setAccessCookies(access, on: &response)  // set_access_cookies
                return response
            }

        router.get("/maybe") { request, context in
            var request = request
            let authentication = try await manager.authenticate(&request, context: context, requirement: .optional)
            return ["user": authentication?.identity.subject ?? "anonymous"]
        }
        return Application(router: router)
    }

    /// The main page's server, reduced to HS256 from the example (`Examples/MinimalServer`), without its run.
    static func minimalServer(secret: String, run: Bool = false) async throws -> some ApplicationProtocol {
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
        let api = router.group("/api").add(middleware: manager.middleware(.required))
        api.get("/protected") { _, context in ["user": try context.requireJWT().subject] }

        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8081)))
        if run {
            try await app.runService()
        }
        return app
    }

    /// An issuer with the guide's key whose clock reads `offset` from now.
    static func issuer(offset: Double = 0, csrf: Bool = true) throws -> TokenIssuer {
        let clock = SettableClock(now: JWTClock.system.now + offset)
        return try TokenIssuer(key: JWTKey.hmac(secret: secret), configuration: TokenConfiguration(includesCSRFClaim: csrf), clock: clock.clock)
    }

    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func decoratorsBecomeMiddleware() async throws {
        let users = MemoryUserStore()
        let admin = try await users.createUser(username: "ada", passwordHash: "-", roles: ["admin"])
        let app = try Self.flaskGuideApplication(secret: Self.secret, users: users)
        let issuer = try Self.issuer()
        let adminToken = try issuer.accessToken(for: admin.id, claims: ["roles": ["admin"]]).token
        let plainToken = try issuer.accessToken(for: admin.id).token
        let unknownToken = try issuer.accessToken(for: "nobody").token
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/optional", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"user":"anonymous"}"#)
            }
            try await client.execute(uri: "/api/optional", method: .get, headers: bearer(plainToken + "x")) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/admin", method: .get, headers: bearer(adminToken)) { response in
                #expect(String(buffer: response.body) == #"{"user":"ada"}"#)
            }
            try await client.execute(uri: "/api/admin", method: .get, headers: bearer(plainToken)) { response in
                #expect(response.status == .forbidden)
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(unknownToken)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"user_not_found""#))
            }
            try await client.execute(uri: "/maybe", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"user":"anonymous"}"#)
            }
            try await client.execute(uri: "/maybe", method: .get, headers: bearer(plainToken)) { response in
                #expect(String(buffer: response.body) == #"{"user":"\#(admin.id)"}"#)
            }
        }
    }

    @Test func expiredTokenLoaderReplacesTheResponse() async throws {
        let users = MemoryUserStore()
        let user = try await users.createUser(username: "bo", passwordHash: "-", roles: [])
        let app = try Self.flaskGuideApplication(secret: Self.secret, users: users)
        let expired = try Self.issuer(offset: -3600).accessToken(for: user.id).token
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(expired)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body) == #"{"msg":"The token has expired"}"#)
            }
        }
    }

    @Test func cookiesCSRFAndImplicitRefresh() async throws {
        let users = MemoryUserStore()
        let user = try await users.createUser(username: "cy", passwordHash: "-", roles: [])
        let app = try Self.flaskGuideApplication(secret: Self.secret, users: users)
        let pair = try Self.issuer().tokenPair(for: user.id)
        let csrf = try #require(pair.refresh.claims.csrf)
        // Eleven minutes into a fifteen-minute token: less than the five minutes of `implicitRefresh` remain.
        let ageing = try Self.issuer(offset: -11 * 60).accessToken(for: user.id).token
        try await app.test(.router) { client in
            let refreshCookie: HTTPFields = [.cookie: "refresh_token_cookie=\(pair.refresh.token)"]
            try await client.execute(uri: "/auth/refresh", method: .post, headers: refreshCookie) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"csrf_failed""#))
            }
            var withCSRF = refreshCookie
            withCSRF[HTTPField.Name("X-CSRF-TOKEN")!] = csrf
            try await client.execute(uri: "/auth/refresh", method: .post, headers: withCSRF) { response in
                #expect(response.status == .noContent)
                let cookies = response.headers[values: .setCookie]
                #expect(cookies.contains { $0.hasPrefix("access_token_cookie=") && $0.contains("HttpOnly") })
                #expect(cookies.contains { $0.hasPrefix("csrf_access_token=\(csrf)") })
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: [.cookie: "access_token_cookie=\(ageing)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("access_token_cookie=") })
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: [.cookie: "access_token_cookie=\(pair.access.token)"]) {
                response in
                #expect(response.status == .ok)
                #expect(response.headers[values: .setCookie].isEmpty)
            }
        }
    }

    @Test func minimalServerOfTheMainPage() async throws {
        let app = try await Self.minimalServer(secret: Self.secret)
        let token = try Self.issuer(csrf: false).accessToken(for: "dee").token
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(token)) { response in
                #expect(String(buffer: response.body) == #"{"user":"dee"}"#)
            }
        }
    }

    /// Every line of every Swift block of the DocC pages is a line of this file or of the example server.
    @Test(arguments: ["ComingFromFlaskJWTExtended.md", "JWTAuthHummingbird.md"]) func pagesShowCodeThatCompiles(page: String) throws {
        let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let catalog = package.appending(path: "Sources/JWTAuthHummingbird/Documentation.docc")
        let markdown = try String(contentsOf: catalog.appending(path: page), encoding: .utf8)
        var known = Set<String>()
        for source in [URL(filePath: #filePath), package.appending(path: "Examples/MinimalServer/ExampleServer.swift")] {
            for line in try String(contentsOf: source, encoding: .utf8).split(separator: "\n") {
                known.insert(line.trimmingCharacters(in: .whitespaces))
            }
        }
        var inSwift = false
        var checked = 0
        var missing: [String] = []
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("```") {
                inSwift = line == "```swift"
                continue
            }
            let code = line.trimmingCharacters(in: .whitespaces)
            guard inSwift, !code.isEmpty else { continue }
            if !known.contains(code) { missing.append(code) }
            checked += 1
        }
        #expect(checked > 20)
        #expect(missing.isEmpty, "\(page): lines that no compiled code has:\n\(missing.joined(separator: "\n"))")
    }
}
