#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTesting
import JWTAuthVapor
import NIOCore
import Testing
import Vapor
import VaporTesting

/// The auth routes end to end through Vapor, on in-memory stores, bcrypt cost 4.
@Suite struct AuthRouteCollectionTests {
    struct Harness {
        let factory: TokenFactory
        let users: MemoryUserStore
        let revocations: MemoryRevocationStore
        let manager: JWTManager
        let service: AuthService

        init(loginAttempts: Int = 5, locations: [TokenLocation] = [.headers]) throws {
            factory = try TokenFactory(configuration: TokenConfiguration(includesCSRFClaim: locations.contains(.cookies)))
            users = MemoryUserStore(clock: factory.clock.clock)
            revocations = MemoryRevocationStore(clock: factory.clock.clock)
            var manager = JWTManager(verifier: try factory.verifier(revocationStore: revocations), issuer: factory.issuer)
            manager.locations = locations
            self.manager = manager
            service = AuthService(
                issuer: factory.issuer,
                verifier: manager.verifier,
                users: users,
                sessions: users,
                revocations: revocations,
                passwords: PasswordHasher(cost: 4),
                loginThrottler: LoginThrottler(limit: loginAttempts, window: .seconds(900), clock: { [clock = factory.clock] in clock.now })
            )
        }

        func run(_ test: (Application) async throws -> Void) async throws {
            try await VaporTesting.withApp(
                configure: { app in
                    app.middleware = Middlewares()
                    app.middleware.use(JWTErrorMiddleware())
                    app.jwtAuth.manager = manager
                    app.jwtAuth.service = service
                    app.lifecycle.use(JWTAuthLifecycle(requireService: true))
                    try app.grouped("auth").register(collection: JWTAuthRouteCollection(manager: manager, service: service))
                    app.grouped(JWTAuthMiddleware()).grouped(JWTUserMiddleware.authService).get("api", "me") { request in
                        try request.jwtAuth.user(as: UserRecord.self).username
                    }
                },
                test
            )
        }
    }

    static let alice = #"{"username":"alice","password":"correct horse"}"#

    static func bearer(_ token: String) -> HTTPHeaders { ["Authorization": "Bearer \(token)"] }

    @Test func registerLoginMeRefreshReuse() async throws {
        let harness = try Harness()
        try await harness.run { app in
            let created = try await app.send(.POST, "/auth/register", json: Self.alice)
            #expect(created.status == .created)
            #expect(created.object == ["id": "1", "username": "alice", "roles": []])
            #expect(try await app.send(.POST, "/auth/register", json: Self.alice).status == .conflict)
            let login = try await app.send(.POST, "/auth/login", json: Self.alice)
            #expect(login.status == .ok)
            #expect(login.headers.first(name: .cacheControl) == "no-store")
            #expect(login.object["token_type"] == "Bearer")
            #expect(login.object["expires_in"] == 900)
            let access = try #require(login.object["access_token"]?.stringValue)
            let refresh = try #require(login.object["refresh_token"]?.stringValue)
            #expect(try await app.send(.GET, "/auth/me", headers: Self.bearer(access)).object["username"] == "alice")
            #expect(try await app.send(.GET, "/api/me", headers: Self.bearer(access)).text == "alice")
            let renewed = try await app.send(.POST, "/auth/refresh", headers: Self.bearer(refresh))
            #expect(renewed.status == .ok)
            let newRefresh = try #require(renewed.object["refresh_token"]?.stringValue)
            // The spent refresh token comes back: the whole session is revoked.
            let reuse = try await app.send(.POST, "/auth/refresh", headers: Self.bearer(refresh))
            #expect(reuse.status == .unauthorized)
            #expect(reuse.object["error"] == "token_revoked")
            #expect(try await app.send(.POST, "/auth/refresh", headers: Self.bearer(newRefresh)).object["error"] == "token_revoked")
            #expect(try await app.send(.GET, "/auth/me", headers: Self.bearer(access)).object["error"] == "token_revoked")
        }
    }

    @Test func logoutRevokesTheSessionAndFreshLoginChangesThePassword() async throws {
        let harness = try Harness()
        try await harness.run { app in
            _ = try await app.send(.POST, "/auth/register", json: Self.alice)
            let login = try await app.send(.POST, "/auth/login", json: Self.alice)
            let access = try #require(login.object["access_token"]?.stringValue)
            let refresh = try #require(login.object["refresh_token"]?.stringValue)
            // A refresh-made access token is not fresh: the password needs a fresh one.
            let renewed = try await app.send(.POST, "/auth/refresh", headers: Self.bearer(refresh))
            let stale = try #require(renewed.object["access_token"]?.stringValue)
            let refused = try await app.send(.PUT, "/auth/password", headers: Self.bearer(stale), json: #"{"new_password":"battery staple"}"#)
            #expect(refused.object["error"] == "fresh_token_required")
            let fresh = try await app.send(.POST, "/auth/fresh-login", json: Self.alice)
            #expect(fresh.object["refresh_token"] == nil)
            let freshToken = try #require(fresh.object["access_token"]?.stringValue)
            let changed = try await app.send(.PUT, "/auth/password", headers: Self.bearer(freshToken), json: #"{"new_password":"battery staple"}"#)
            #expect(changed.status == .noContent)
            #expect(try await app.send(.POST, "/auth/login", json: Self.alice).status == .unauthorized)
            #expect(try await app.send(.GET, "/auth/me", headers: Self.bearer(access)).object["error"] == "token_revoked")
            // Logout ends the new session.
            let again = try await app.send(.POST, "/auth/login", json: #"{"username":"alice","password":"battery staple"}"#)
            let token = try #require(again.object["access_token"]?.stringValue)
            #expect(try await app.send(.POST, "/auth/logout", headers: Self.bearer(token)).status == .noContent)
            #expect(try await app.send(.GET, "/auth/me", headers: Self.bearer(token)).object["error"] == "token_revoked")
        }
    }

    @Test func logoutAllEndsEverySession() async throws {
        let harness = try Harness()
        try await harness.run { app in
            _ = try await app.send(.POST, "/auth/register", json: Self.alice)
            let first = try #require(try await app.send(.POST, "/auth/login", json: Self.alice).object["access_token"]?.stringValue)
            let second = try #require(try await app.send(.POST, "/auth/login", json: Self.alice).object["access_token"]?.stringValue)
            #expect(try await app.send(.POST, "/auth/logout-all", headers: Self.bearer(first)).status == .noContent)
            for token in [first, second] {
                #expect(try await app.send(.GET, "/auth/me", headers: Self.bearer(token)).status == .unauthorized)
            }
            let later = try #require(try await app.send(.POST, "/auth/login", json: Self.alice).object["access_token"]?.stringValue)
            #expect(try await app.send(.GET, "/auth/me", headers: Self.bearer(later)).status == .ok)
        }
    }

    @Test func wrongPasswordAndUnknownUserLookAlikeThenThrottle() async throws {
        let harness = try Harness(loginAttempts: 2)
        try await harness.run { app in
            _ = try await app.send(.POST, "/auth/register", json: Self.alice)
            let wrong = try await app.send(.POST, "/auth/login", json: #"{"username":"alice","password":"wrong password"}"#)
            let unknown = try await app.send(.POST, "/auth/login", json: #"{"username":"nobody","password":"wrong password"}"#)
            #expect(wrong.status == .unauthorized)
            #expect(wrong.text == unknown.text)
            _ = try await app.send(.POST, "/auth/login", json: #"{"username":"alice","password":"wrong password"}"#)
            let throttled = try await app.send(.POST, "/auth/login", json: Self.alice)
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.headers.first(name: "Retry-After") != nil)
        }
    }

    @Test(arguments: [
        (#"{"username":"x","password":"short"}"#, "application/json", HTTPResponseStatus.badRequest),
        (#"{"username":5,"password":"long enough"}"#, "application/json", .badRequest),
        (#"{"username":"x""#, "application/json", .badRequest),
        (#"username=x&password=long+enough"#, "application/x-www-form-urlencoded", .unsupportedMediaType),
        (#"{"username":"x","password":"long enough"}"#, "application/jsonp", .unsupportedMediaType),
        (#"{"username":"x","password":"long enough"}"#, " Application/JSON ; charset=utf-8", .created),
        (#"{"username":"x","password":"\#(String(repeating: "a", count: 70_000))"}"#, "application/json", .payloadTooLarge),
    ])
    func badRegistrationsAreRefused(body: String, contentType: String, status: HTTPResponseStatus) async throws {
        let harness = try Harness()
        try await harness.run { app in
            let response = try await app.send(.POST, "/auth/register", headers: ["Content-Type": contentType], json: body)
            #expect(response.status == status)
            if status != .created {
                #expect(response.headers.first(name: .contentType) == "application/json; charset=utf-8")
            }
        }
    }

    @Test func cookieSessionsGetAndLoseTheirCookies() async throws {
        let harness = try Harness(locations: [.headers, .cookies])
        try await harness.run { app in
            _ = try await app.send(.POST, "/auth/register", json: Self.alice)
            let login = try await app.send(.POST, "/auth/login", json: Self.alice)
            let cookies = try #require(login.headers.setCookie)
            let access = try #require(cookies["access_token_cookie"]?.string)
            let csrf = try #require(cookies["csrf_access_token"]?.string)
            #expect(cookies["refresh_token_cookie"] != nil)
            var headers = HTTPHeaders()
            headers.add(name: .cookie, value: "access_token_cookie=\(access)")
            #expect(try await app.send(.POST, "/auth/logout", headers: headers).object["error"] == "csrf_failed")
            headers.add(name: "X-CSRF-TOKEN", value: csrf)
            let out = try await app.send(.POST, "/auth/logout", headers: headers)
            #expect(out.status == .noContent)
            #expect(out.headers.setCookie?.all.count == 4)
        }
    }

    /// A user store that is down.
    struct DownUsers: UserStore {
        struct Down: Error {}
        func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord { throw Down() }
        func user(named username: String) async throws -> UserRecord? { throw Down() }
        func user(id: String) async throws -> UserRecord? { throw Down() }
        func setPasswordHash(_ passwordHash: String, forUser id: String) async throws { throw Down() }
        func setDisabled(_ isDisabled: Bool, forUser id: String) async throws { throw Down() }
        func allUsers() async throws -> [UserRecord] { throw Down() }
        func renameUser(id: String, to username: String) async throws { throw Down() }
        func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange? { throw Down() }
        func deleteUser(id: String) async throws { throw Down() }
    }

    @Test func aStoreThatFailsAnswers503() async throws {
        let harness = try Harness()
        let service = AuthService(
            issuer: harness.factory.issuer,
            verifier: harness.manager.verifier,
            users: DownUsers(),
            sessions: harness.users,
            revocations: harness.revocations,
            passwords: PasswordHasher(cost: 4)
        )
        let access = try harness.factory.issuer.accessToken(for: "1")
        let configure: @Sendable (Application) async throws -> Void = { app in
            app.middleware = Middlewares()
            app.middleware.use(JWTErrorMiddleware())
            try app.grouped("auth").register(collection: JWTAuthRouteCollection(manager: harness.manager, service: service))
            app.grouped(JWTAuthMiddleware(manager: harness.manager)).grouped(JWTUserMiddleware.authService).get("api", "me") { _ in "" }
            app.jwtAuth.service = service
        }
        try await VaporTesting.withApp(configure: configure) { app in
            for (method, path, json) in [(HTTPMethod.GET, "/auth/me", nil), (.POST, "/auth/login", Self.alice), (.GET, "/api/me", nil)] {
                let response = try await app.send(method, path, headers: Self.bearer(access.token), json: json)
                #expect(response.status == .serviceUnavailable)
                #expect(response.object["error"] == "unavailable")
            }
        }
    }
}
#endif
