import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

/// The code of the "Coming from Flask-JWT-Extended" article, compiled and run: each of its Swift blocks is
/// the body (verbatim) of one test below, or of the set-up that the other tests start from, and
/// `theArticleShowsOnlyCodeRunHere` checks that it stays so.
@Suite struct FlaskArticleTests {
    static let article = "Sources/JWTAuthHummingbird/Documentation.docc/ComingFromFlaskJWTExtended.md"
    static let secret = String(repeating: "flask-article-", count: 3)

    /// The article's "Set up once" block.
    static func setUp(
        secret: String = secret
    ) throws -> (issuer: TokenIssuer, verifier: TokenVerifier, manager: JWTManager, store: MemoryRevocationStore) {
        let store = MemoryRevocationStore()  // the blocklist that token_in_blocklist_loader consults
        var options = JWTManager.Options()  // app.config["JWT_…"] of the Flask extension
        options.locations = [.headers, .cookies]  // JWT_TOKEN_LOCATION; with cookies, tokens carry the CSRF value
        options.cookies.refreshCookiePath = "/auth/refresh"  // JWT_REFRESH_COOKIE_PATH: only the refresh route gets it
        options.implicitRefresh = .seconds(5 * 60)  // re-issue the access cookie when less than 5 minutes remain
        options.errorHandlers[.tokenExpired] = { error, request, context in  // expired_token_loader
            EditedResponse(status: .unauthorized, response: ["msg": "The token has expired"])
        }
        let manager = try JWTManager(
            key: try JWTKey.hmac(secret: secret),  // JWT_SECRET_KEY (JWT_ALGORITHM: HS256 by default)
            configuration: TokenConfiguration(accessTokenLifetime: .seconds(15 * 60)),  // JWT_ACCESS_TOKEN_EXPIRES
            claimsProvider: { subject, type in ["roles": ["user"]] },  // additional_claims_loader
            revocationStore: store,
            options: options
        )
        let issuer = manager.issuer!  // made from the same key and configuration as the verifier
        let verifier = manager.verifier
        return (issuer, verifier, manager, store)
    }

    /// An issuer with the article's key and settings whose clock reads `offset` seconds from now.
    static func issuer(offset: Double = 0) throws -> TokenIssuer {
        let clock = SettableClock(now: JWTClock.system.now + offset)
        return try TokenIssuer(key: JWTKey.hmac(secret: secret), configuration: TokenConfiguration(includesCSRFClaim: true), clock: clock.clock)
    }

    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func setUpOnce() async throws {
        let users = MemoryUserStore()
        let user = try await users.createUser(username: "ada", passwordHash: "-", roles: [])
        let (issuer, verifier, manager, store) = try Self.setUp()
        #expect(manager.locations == [.headers, .cookies])
        let access = try issuer.accessToken(for: user.id)
        #expect(access.claims.strings("roles") == ["user"])
        #expect(access.claims.csrf != nil)
        #expect(try await verifier.verify(access.token).subject == user.id)
        await store.revoke(tokenID: access.id, until: access.expiresAt)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(access.token) }

        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.group("/api").add(middleware: manager.middleware(.required)).get { _, context in try context.requireJWT().subject }
        let expired = try Self.issuer(offset: -3600).accessToken(for: user.id).token
        let ageing = try Self.issuer(offset: -11 * 60).accessToken(for: user.id).token
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api", method: .get, headers: Self.bearer(expired)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body) == #"{"msg":"The token has expired"}"#)
            }
            try await client.execute(uri: "/api", method: .get, headers: [.cookie: "access_token_cookie=\(ageing)"]) { response in
                #expect(String(buffer: response.body) == user.id)
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("access_token_cookie=") })
            }
        }
    }

    @Test func createTokens() throws {
        let (issuer, _, _, _) = try Self.setUp()

        struct Claims: Encodable { var roles: [String] }

        let access = try issuer.accessToken(for: "42", fresh: .fresh, claims: Claims(roles: ["admin"]))  // create_access_token
        let brief = try issuer.accessToken(for: "42", expiresIn: .seconds(60))  // expires_delta=timedelta(seconds=60)
        let refresh = try issuer.refreshToken(for: "42")  // create_refresh_token
        let pair = try issuer.tokenPair(for: "42")  // both, sharing one session (`sid`), as a login returns

        #expect(access.claims.subject == "42")
        #expect(brief.expiresAt - (brief.claims.issuedAt ?? 0) == 60)
        #expect(access.claims.freshness == .fresh)
        #expect(access.claims.strings("roles") == ["admin"])
        #expect(refresh.claims.tokenType == .refresh)
        #expect(pair.access.sessionID == pair.refresh.sessionID)
    }

    @Test func decoratorsBecomeMiddleware() async throws {
        let users = MemoryUserStore()
        let ada = try await users.createUser(username: "ada", passwordHash: "-", roles: ["admin"])
        let (issuer, _, manager, _) = try Self.setUp()

        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))  // the {"error": …, "msg": …} body for every refusal

        router.group("/api").add(middleware: manager.middleware(.required))  // @jwt_required()
            .get("/protected") { _, context in ["user": try context.requireJWT().subject] }  // get_jwt_identity()

        router.group("/api/optional").add(middleware: manager.middleware(.optional))  // @jwt_required(optional=True)
            .get { _, context in ["user": context.identity?.subject ?? "anonymous"] }

        router.group("/api/fresh").add(middleware: manager.middleware(.fresh))  // @jwt_required(fresh=True)
            .get { _, context in ["roles": try context.requireJWT().claims.strings("roles")] }  // get_jwt()["roles"]

        router.group("/api/admin").add(middleware: manager.middleware(.required))
            .add(middleware: RoleRequiredMiddleware("admin"))  // 403 insufficient_scope without the role
            .get { _, context in ["user": try context.requireJWT().subject] }

        router.group("/auth/refresh").add(middleware: manager.middleware(.refresh))  // @jwt_required(refresh=True)
            .post { _, context in
                let refresh = try context.requireJWT()
                let access = try issuer.accessToken(for: refresh.subject, sessionID: refresh.claims.sessionID, csrf: refresh.claims.csrf)
                var response = Response(status: .noContent)
                manager.setAccessCookies(access, on: &response)  // set_access_cookies
                return response
            }

        let admin = try issuer.accessToken(for: ada.id, fresh: .fresh, claims: ["roles": ["admin"]]).token
        let plain = try issuer.accessToken(for: ada.id).token
        let stranger = try issuer.accessToken(for: "nobody").token
        let pair = try issuer.tokenPair(for: ada.id)
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"missing_token""#))
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: Self.bearer(plain)) { response in
                #expect(String(buffer: response.body) == #"{"user":"\#(ada.id)"}"#)
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: Self.bearer(stranger)) { response in
                #expect(String(buffer: response.body) == #"{"user":"nobody"}"#, "no user lookup on these routes")
            }
            try await client.execute(uri: "/api/optional", method: .get) { response in
                #expect(String(buffer: response.body) == #"{"user":"anonymous"}"#)
            }
            try await client.execute(uri: "/api/optional", method: .get, headers: Self.bearer(plain + "x")) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/api/fresh", method: .get, headers: Self.bearer(plain)) { response in
                #expect(String(buffer: response.body).contains(#""error":"fresh_token_required""#))
            }
            try await client.execute(uri: "/api/fresh", method: .get, headers: Self.bearer(admin)) { response in
                #expect(String(buffer: response.body) == #"{"roles":["admin"]}"#)
            }
            try await client.execute(uri: "/api/admin", method: .get, headers: Self.bearer(admin)) { response in
                #expect(String(buffer: response.body) == #"{"user":"\#(ada.id)"}"#)
            }
            try await client.execute(uri: "/api/admin", method: .get, headers: Self.bearer(plain)) { response in
                #expect(response.status == .forbidden)
            }
            let refreshCookie: HTTPFields = [.cookie: "refresh_token_cookie=\(pair.refresh.token)"]
            try await client.execute(uri: "/auth/refresh", method: .post, headers: refreshCookie) { response in
                #expect(String(buffer: response.body).contains(#""error":"csrf_failed""#))
            }
            var withCSRF = refreshCookie
            withCSRF[HTTPField.Name("X-CSRF-TOKEN")!] = pair.refresh.claims.csrf
            try await client.execute(uri: "/auth/refresh", method: .post, headers: withCSRF) { response in
                #expect(response.status == .noContent)
                #expect(response.headers[values: .setCookie].contains { $0.hasPrefix("access_token_cookie=") && $0.contains("HttpOnly") })
            }
        }
    }

    @Test func verifyInAHandler() async throws {
        let users = MemoryUserStore()
        let user = try await users.createUser(username: "ada", passwordHash: "-", roles: [])
        let (issuer, _, manager, _) = try Self.setUp()
        let router = Router(context: BasicJWTRequestContext.self)

        router.get("/maybe") { request, context in
            var request = request
            // verify_jwt_in_request(optional=True): nil without a token, a 401 for a bad one
            let authentication = try await manager.authenticate(&request, context: context, requirement: .optional)
            let identity = authentication?.identity
            return ["user": identity?.subject ?? "anonymous", "from": identity?.location.name ?? "-"]  // get_jwt_request_location()
        }

        let token = try issuer.accessToken(for: user.id).token
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/maybe", method: .get) { response in
                #expect(String(buffer: response.body).contains(#""user":"anonymous""#))
            }
            try await client.execute(uri: "/maybe", method: .get, headers: Self.bearer(token)) { response in
                #expect(String(buffer: response.body).contains(#""user":"\#(user.id)""#))
                #expect(String(buffer: response.body).contains(#""from":"headers""#))
            }
        }
    }

    @Test func decodeAToken() async throws {
        let (issuer, verifier, _, store) = try Self.setUp()
        let token = try issuer.accessToken(for: "42").token

        let verified = try verifier.decode(token)  // decode_token(token): signature and claims, not the blocklist
        let jti = verified.id  // get_jti(token)
        let csrf = verified.claims.csrf  // get_csrf_token(token)
        let header = try UnverifiedToken(token).header  // get_unverified_jwt_headers(token)
        let lapsed = try verifier.decode(token, allowExpired: true)  // decode_token(token, allow_expired=True)
        let checked = try await verifier.verify(token)  // what @jwt_required() checks: decode_token, then the blocklist

        #expect(verified.subject == "42")
        #expect(!jti.isEmpty && csrf != nil)
        #expect(header.algorithm == "HS256")
        #expect(lapsed.id == jti)
        #expect(checked.id == jti)
        let expired = try Self.issuer(offset: -3600).accessToken(for: "42").token
        #expect(throws: JWTAuthError.tokenExpired) { try verifier.decode(expired) }
        #expect(try verifier.decode(expired, allowExpired: true).subject == "42")
        await store.revoke(tokenID: jti, until: verified.expiresAt)
        #expect(try verifier.decode(token).subject == "42")
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(token) }
    }

    @Test func cookies() async throws {
        let (issuer, _, manager, _) = try Self.setUp()
        let router = Router(context: BasicJWTRequestContext.self)

        router.post("/login") { _, _ in
            let pair = try issuer.tokenPair(for: "42")  // after checking the password
            var response = Response(status: .noContent)
            manager.setAccessCookies(pair.access, on: &response)  // set_access_cookies
            manager.setRefreshCookies(pair.refresh, on: &response)  // set_refresh_cookies
            return response
        }
        router.post("/logout") { _, _ in
            var response = Response(status: .noContent)
            manager.unsetCookies(on: &response)  // unset_jwt_cookies
            return response
        }

        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/login", method: .post) { response in
                let names = response.headers[values: .setCookie].map { $0.prefix { $0 != "=" } }
                #expect(names == ["access_token_cookie", "csrf_access_token", "refresh_token_cookie", "csrf_refresh_token"])
                let paths = response.headers[values: .setCookie].map { $0.contains("Path=/auth/refresh") }
                #expect(paths == [false, false, true, false], "JWT_REFRESH_COOKIE_PATH")
            }
            try await client.execute(uri: "/logout", method: .post) { response in
                let cookies = response.headers[values: .setCookie]
                #expect(cookies.count == 4)
                #expect(cookies.allSatisfy { $0.contains("Max-Age=0") })
                #expect(cookies.map { $0.contains("Path=/auth/refresh") } == [false, false, true, false], "cleared where it was set")
            }
        }
    }

    @Test func blocklist() async throws {
        let users = MemoryUserStore()
        let user = try await users.createUser(username: "ada", passwordHash: "-", roles: [])
        let (issuer, _, manager, store) = try Self.setUp()
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))

        router.group("/auth/logout").add(middleware: manager.middleware(.required))
            .delete { _, context in
                let claims = try context.requireJWT().claims
                await store.revoke(tokenID: claims.id ?? "", until: claims.expiresAt ?? 0)  // blocklist this jti
                return Response(status: .noContent)
            }

        let token = try issuer.accessToken(for: user.id).token
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/auth/logout", method: .delete, headers: Self.bearer(token)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/auth/logout", method: .delete, headers: Self.bearer(token)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"token_revoked""#))
            }
        }
    }

    @Test func typedUserLookup() async throws {
        let users = MemoryUserStore()
        let ada = try await users.createUser(username: "ada", passwordHash: "-", roles: [])
        let (issuer, _, manager, _) = try Self.setUp()

        typealias Context = BasicJWTUserRequestContext<UserRecord>  // currentUser: UserRecord?
        let router = Router(context: Context.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))

        let withUser = manager.middleware(.required, context: Context.self) { identity in  // user_lookup_loader
            try await users.user(id: identity.subject)  // nil: 401 user_not_found
        }
        router.group("/api/me").add(middleware: withUser)
            .get { _, context in ["user": try context.requireUser().username] }  // current_user

        let token = try issuer.accessToken(for: ada.id).token
        let stranger = try issuer.accessToken(for: "nobody").token
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/me", method: .get, headers: Self.bearer(token)) { response in
                #expect(String(buffer: response.body) == #"{"user":"ada"}"#)
            }
            try await client.execute(uri: "/api/me", method: .get, headers: Self.bearer(stranger)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"user_not_found""#))
            }
        }
    }

    /// A blocklist of the application's own.
    actor Blocklist {
        private var tokenIDs: Set<String> = []
        func add(_ tokenID: String) { tokenIDs.insert(tokenID) }
        func contains(_ tokenID: String) -> Bool { tokenIDs.contains(tokenID) }
    }

    @Test func blocklistLoader() async throws {
        let secret = Self.secret
        let blocklist = Blocklist()

        let manager = try JWTManager(
            key: try JWTKey.hmac(secret: secret),
            revocationStore: RevocationCheck { query in await blocklist.contains(query.tokenID) }  // token_in_blocklist_loader
        )

        let token = try #require(manager.issuer).accessToken(for: "42")
        #expect(try await manager.verifier.verify(token.token).subject == "42")
        await blocklist.add(token.id)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await manager.verifier.verify(token.token) }
        await #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try await manager.verifier.revocationStore?.revoke(tokenID: token.id, until: token.expiresAt)
        }
    }

    @Test func authRoutes() async throws {
        let users = MemoryUserStore()
        let (issuer, verifier, manager, store) = try Self.setUp()
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))

        let service = AuthService(
            issuer: issuer,
            verifier: verifier,
            users: users,
            sessions: users,
            revocations: store,
            passwords: PasswordHasher()  // bcrypt, cost 12
        )
        JWTAuthRoutes(manager: manager, service: service).addRoutes(to: router.group("/auth"))

        let credentials = ByteBuffer(string: #"{"username": "ada", "password": "correct horse"}"#)
        let json: HTTPFields = [.contentType: "application/json"]
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/auth/register", method: .post, headers: json, body: credentials) { response in
                #expect(response.status == .created)
            }
            try await client.execute(uri: "/auth/login", method: .post, headers: json, body: credentials) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""access_token":"#))
            }
        }
    }

    /// Flask-JWT-Extended 4.7's public names: its exports with their arguments, the loaders of its
    /// `JWTManager`, its exceptions and its settings.
    static let flaskNames: [String] =
        [
            "JWTManager(app)", "init_app", "add_context_processor", "current_user_context_processor",
            "create_access_token(identity, fresh)", "additional_claims=", "expires_delta=", "additional_headers=",
            "create_refresh_token(identity)", "decode_token(token)", "allow_expired=True", "csrf_value=", "get_jwt()",
            "get_jwt_header()", "get_jwt_identity()", "get_jwt_request_location()", "current_user", "get_current_user()",
            "get_jti(token)", "get_csrf_token(token)", "get_unverified_jwt_headers(token)", "set_access_cookies(response, token)",
            "set_refresh_cookies(response, token)", "max_age=", "unset_jwt_cookies(response)", "unset_access_cookies(response)",
            "unset_refresh_cookies(response)", "domain=", "verify_jwt_in_request()", "@jwt_required()", "optional=True",
            "fresh=True", "refresh=True", "locations=", "verify_type=False", "skip_revocation_check=True",
        ]
        + [
            "additional_claims_loader", "additional_headers_loader", "decode_key_loader", "encode_key_loader",
            "expired_token_loader", "invalid_token_loader", "needs_fresh_token_loader", "revoked_token_loader",
            "token_in_blocklist_loader", "token_verification_failed_loader", "token_verification_loader", "unauthorized_loader",
            "user_identity_loader", "user_lookup_loader", "user_lookup_error_loader",
        ].map { "@jwt.\($0)" }
        + [
            "JWTExtendedException", "JWTDecodeError", "InvalidHeaderError", "InvalidQueryParamError", "NoAuthorizationError",
            "CSRFError", "WrongTokenError", "RevokedTokenError", "FreshTokenRequired", "UserLookupError", "UserClaimsVerificationError",
        ]
        + [
            "ACCESS_COOKIE_NAME", "ACCESS_COOKIE_PATH", "ACCESS_CSRF_COOKIE_NAME", "ACCESS_CSRF_COOKIE_PATH", "ACCESS_CSRF_FIELD_NAME",
            "ACCESS_CSRF_HEADER_NAME", "ACCESS_TOKEN_EXPIRES", "ALGORITHM", "COOKIE_CSRF_PROTECT", "COOKIE_DOMAIN", "COOKIE_SAMESITE",
            "COOKIE_SECURE", "CSRF_CHECK_FORM", "CSRF_IN_COOKIES", "CSRF_METHODS", "DECODE_ALGORITHMS", "DECODE_AUDIENCE",
            "DECODE_ISSUER", "DECODE_LEEWAY", "ENCODE_AUDIENCE", "ENCODE_ISSUER", "ENCODE_NBF", "ERROR_MESSAGE_KEY", "HEADER_NAME",
            "HEADER_TYPE", "IDENTITY_CLAIM", "JSON_KEY", "PRIVATE_KEY", "PUBLIC_KEY", "QUERY_STRING_NAME", "QUERY_STRING_VALUE_PREFIX",
            "REFRESH_COOKIE_NAME", "REFRESH_COOKIE_PATH", "REFRESH_CSRF_COOKIE_NAME", "REFRESH_CSRF_COOKIE_PATH",
            "REFRESH_CSRF_FIELD_NAME", "REFRESH_CSRF_HEADER_NAME", "REFRESH_JSON_KEY", "REFRESH_TOKEN_EXPIRES", "SECRET_KEY",
            "SESSION_COOKIE", "TOKEN_LOCATION", "VERIFY_SUB",
        ].map { "`JWT_\($0)`" }

    /// Every public name of Flask-JWT-Extended has a row of the article's tables.
    @Test func everyFlaskNameHasARow() throws {
        let rows = try DocCPage(Self.article).markdown.split(separator: "\n").filter { $0.hasPrefix("| ") }
        let missing = Self.flaskNames.filter { name in !rows.contains { $0.contains(name) } }
        #expect(missing.isEmpty, "Flask-JWT-Extended names without a row: \(missing)")
    }

    /// The article names this file, and each of its Swift blocks is code of this file.
    @Test func theArticleShowsOnlyCodeRunHere() throws {
        let page = try DocCPage(Self.article)
        let thisFile = "Tests/ExampleTests/FlaskArticleTests.swift"
        #expect(page.namedTestFiles == [thisFile])
        #expect(FileManager.default.fileExists(atPath: DocCPage.packageRoot.appending(path: thisFile).path))
        #expect(page.swiftBlocks.count == 10)
        let missing = page.blocksMissing(from: try DocCPage.source(thisFile))
        #expect(missing.isEmpty, "blocks of the article that this file does not run, by their first line: \(missing)")
    }
}
