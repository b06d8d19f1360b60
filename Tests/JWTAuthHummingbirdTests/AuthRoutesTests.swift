import Hummingbird
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

/// The auth routes end to end through the router, on in-memory stores, bcrypt cost 4.
@Suite struct AuthRoutesTests {
    struct Harness {
        let factory: TokenFactory
        let users: MemoryUserStore
        let revocations: MemoryRevocationStore
        let app: Application<RouterResponder<BasicJWTRequestContext>>

        init(
            loginAttempts: Int = 5,
            registerAttempts: Int = 0,
            registrationOpen: Bool = true,
            passwords: PasswordHasher = PasswordHasher(cost: 4)
        ) throws {
            let factory = try TokenFactory()
            let users = MemoryUserStore(clock: factory.clock.clock)
            let revocations = MemoryRevocationStore(clock: factory.clock.clock)
            let manager = JWTManager(verifier: try factory.verifier(revocationStore: revocations), issuer: factory.issuer)
            let router = Router(context: BasicJWTRequestContext.self)
            router.add(middleware: JWTErrorMiddleware(manager: manager))
            var routes = JWTAuthRoutes<BasicJWTRequestContext>(
                manager: manager,
                issuer: factory.issuer,
                users: users,
                sessions: users,
                revocations: revocations,
                passwords: passwords,
                throttler: LoginThrottler(limit: loginAttempts, window: .seconds(900), clock: { factory.clock.now }),
                isRegistrationOpen: registrationOpen
            )
            routes.registrationThrottler = LoginThrottler(limit: registerAttempts, window: .seconds(900), clock: { factory.clock.now })
            routes.addRoutes(to: router.group("auth"))
            self.factory = factory
            self.users = users
            self.revocations = revocations
            self.app = Application(router: router)
        }
    }

    static func json(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    static func object(_ response: TestResponse) -> [String: JSONValue] {
        (try? JSONParser().parseObject(response.body.readableBytesView)) ?? [:]
    }

    @Test func registerLoginMeRefreshLogout() async throws {
        let harness = try Harness()
        try await harness.app.test(.router) { client in
            let credentials = Self.json(#"{"username":"alice","password":"correct horse"}"#)
            try await client.execute(uri: "/auth/register", method: .post, headers: Self.jsonHeaders, body: credentials) { response in
                #expect(response.status == .created)
                #expect(Self.object(response) == ["id": "1", "username": "alice", "roles": []])
            }
            try await client.execute(uri: "/auth/register", method: .post, headers: Self.jsonHeaders, body: credentials) { response in
                #expect(response.status == .conflict)
            }
            let login = try await client.execute(uri: "/auth/login", method: .post, headers: Self.jsonHeaders, body: credentials)
            #expect(login.status == .ok)
            let tokens = Self.object(login)
            #expect(tokens["token_type"] == "Bearer")
            #expect(tokens["expires_in"] == 900)
            let access = try #require(tokens["access_token"]?.stringValue)
            let refresh = try #require(tokens["refresh_token"]?.stringValue)
            try await client.execute(uri: "/auth/me", method: .get, auth: .bearer(access)) { response in
                #expect(response.status == .ok)
                #expect(Self.object(response)["username"] == "alice")
            }
            let renewed = try await client.execute(uri: "/auth/refresh", method: .post, headers: Self.bearer(refresh))
            #expect(renewed.status == .ok)
            let newRefresh = try #require(Self.object(renewed)["refresh_token"]?.stringValue)
            // The spent refresh token comes back: the whole session is revoked.
            try await client.execute(uri: "/auth/refresh", method: .post, auth: .bearer(refresh)) { response in
                #expect(response.status == .unauthorized)
                #expect(Self.object(response)["error"] == "token_revoked")
            }
            try await client.execute(uri: "/auth/refresh", method: .post, auth: .bearer(newRefresh)) { response in
                #expect(Self.object(response)["error"] == "token_revoked")
            }
            try await client.execute(uri: "/auth/me", method: .get, auth: .bearer(access)) { response in
                #expect(Self.object(response)["error"] == "token_revoked")
            }
        }
    }

    @Test func wrongPasswordAndUnknownUserLookAlikeThenThrottle() async throws {
        let harness = try Harness(loginAttempts: 3)
        _ = try await harness.users.createUser(username: "bob", passwordHash: try await PasswordHasher(cost: 4).hash("right password"), roles: [])
        try await harness.app.test(.router) { client in
            var bodies: [String] = []
            for body in [#"{"username":"bob","password":"wrong password"}"#, #"{"username":"nobody","password":"wrong password"}"#] {
                try await client.execute(uri: "/auth/login", method: .post, headers: Self.jsonHeaders, body: Self.json(body)) { response in
                    #expect(response.status == .unauthorized)
                    bodies.append(String(buffer: response.body))
                }
            }
            #expect(bodies[0] == bodies[1])
            _ = try await client.execute(
                uri: "/auth/login",
                method: .post,
                headers: Self.jsonHeaders,
                body: Self.json(#"{"username":"bob","password":"wrong password"}"#)
            )
            try await client.execute(
                uri: "/auth/login",
                method: .post,
                headers: Self.jsonHeaders,
                body: Self.json(#"{"username":"bob","password":"right password"}"#)
            ) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
            }
            harness.factory.clock.advance(by: .seconds(901))
            try await client.execute(
                uri: "/auth/login",
                method: .post,
                headers: Self.jsonHeaders,
                body: Self.json(#"{"username":"bob","password":"right password"}"#)
            ) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func fiftyConcurrentRefreshesGiveExactlyOneSuccess() async throws {
        let harness = try Harness()
        let hash = try await PasswordHasher(cost: 4).hash("password123")
        let user = try await harness.users.createUser(username: "carol", passwordHash: hash, roles: [])
        let pair = try harness.factory.issuer.tokenPair(for: user.id)
        await harness.users.openSession(
            SessionRecord(
                id: pair.refresh.sessionID!,
                subject: user.id,
                refreshTokenID: pair.refresh.claims.id,
                accessTokensUntil: pair.access.expiresAt,
                expiresAt: pair.refresh.expiresAt
            )
        )
        try await harness.app.test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await client.execute(uri: "/auth/refresh", method: .post, headers: Self.bearer(pair.refresh.token)).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .unauthorized }.count == 49)
        }
        #expect(await harness.revocations.isRevoked(RevocationQuery(tokenID: "x", sessionID: pair.refresh.sessionID)))
    }

    @Test func logoutAllEndsEverySessionOfTheUserOnly() async throws {
        let harness = try Harness()
        let hasher = PasswordHasher(cost: 4)
        for name in ["dave", "erin"] {
            _ = try await harness.users.createUser(username: name, passwordHash: try await hasher.hash("password123"), roles: [])
        }
        try await harness.app.test(.router) { client in
            func login(_ name: String) async throws -> String {
                let response = try await client.execute(
                    uri: "/auth/login",
                    method: .post,
                    headers: Self.jsonHeaders,
                    body: Self.json(#"{"username":"\#(name)","password":"password123"}"#)
                )
                return try #require(Self.object(response)["access_token"]?.stringValue)
            }
            let first = try await login("dave")
            let second = try await login("dave")
            let other = try await login("erin")
            try await client.execute(uri: "/auth/logout-all", method: .post, auth: .bearer(first)) { #expect($0.status == .noContent) }
            for token in [first, second] {
                try await client.execute(uri: "/auth/me", method: .get, auth: .bearer(token)) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/auth/me", method: .get, auth: .bearer(other)) { #expect($0.status == .ok) }
            // A login in the same second after logout-all works.
            let later = try await login("dave")
            try await client.execute(uri: "/auth/me", method: .get, auth: .bearer(later)) { #expect($0.status == .ok) }
        }
    }

    @Test(arguments: [
        (#"{"username":"x","password":"short"}"#, "application/json", HTTPResponse.Status.badRequest),
        (#"{"username":"x","password":"\#(String(repeating: "a", count: 73))"}"#, "application/json", .badRequest),
        (#"{"username":"x","password":"has\u0000nul"}"#, "application/json", .badRequest),
        (#"{"username":5,"password":"long enough"}"#, "application/json", .badRequest),
        (#"{"username":"x""#, "application/json", .badRequest),
        (#"username=x&password=long+enough"#, "application/x-www-form-urlencoded", .unsupportedMediaType),
        // The media type is compared whole, not as a prefix.
        (#"{"username":"x","password":"long enough"}"#, "application/jsonp", .unsupportedMediaType),
        (#"{"username":"x","password":"long enough"}"#, "application/json-seq", .unsupportedMediaType),
        (#"{"username":"x","password":"long enough"}"#, " Application/JSON ; charset=utf-8", .created),
        (#"{"username":"\#(String(repeating: "n", count: 65))","password":"long enough"}"#, "application/json", .badRequest),
        // A letter with 65 combining accents is one grapheme but 65 code points after NFC.
        (#"{"username":"a\#(String(repeating: "\u{301}", count: 65))","password":"long enough"}"#, "application/json", .badRequest),
    ])
    func badRegistrationsAreRefused(body: String, contentType: String, status: HTTPResponse.Status) async throws {
        let harness = try Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(
                uri: "/auth/register",
                method: .post,
                headers: [.contentType: contentType],
                body: Self.json(body)
            ) { response in
                #expect(response.status == status)
            }
        }
    }
}
