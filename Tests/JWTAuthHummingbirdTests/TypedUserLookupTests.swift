import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import MetricsTestKit
import Synchronization
import Testing

/// The typed `user_lookup_loader`: `manager.middleware(_:user:)` into `context.currentUser`.
@Suite struct TypedUserLookupTests {
    /// Users 1 and 2, a store that is down for `down` and a refusal for `disabled`, as for the untyped loader.
    typealias Directory = UserLoaderTests.Directory
    typealias User = UserLoaderTests.User

    typealias Context = BasicJWTUserRequestContext<User>

    func app(_ fixture: AuthFixture, _ directory: Directory, manager: JWTManager? = nil) throws -> some ApplicationProtocol {
        let manager = try manager ?? fixture.manager(locations: [.headers, .cookies], implicitRefresh: .seconds(300))
        let router = Router(context: Context.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        let lookUp: @Sendable (JWTIdentity) async throws -> User? = { try await directory.load($0) as? User }
        router.group("/me").add(middleware: manager.middleware(.required, user: lookUp))
            .get { _, context in
                let user = try context.requireUser()
                #expect(context.identity?.user(as: User.self)?.id == user.id, "the untyped accessor sees it too")
                return ["name": user.name]
            }
        router.group("/maybe").add(middleware: manager.middleware(.optional, user: lookUp))
            .get { _, context in ["name": context.currentUser?.name ?? "anonymous"] }
        router.group("/anonymous").add(middleware: manager.middleware(.optional, user: lookUp))
            .get { _, context in ["name": try context.requireUser().name] }
        return Application(router: router)
    }

    @Test func theTypedUserReachesTheHandler() async throws {
        let fixture = try AuthFixture()
        let directory = Directory()
        try await app(fixture, directory).test(.router) { client in
            for (id, name) in [("1", "Ada"), ("2", "Grace")] {
                let token = try fixture.issuer.accessToken(for: id).token
                let response = try await client.send(TokenRequest("/me").carrying(token, at: .headers))
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"name":"\#(name)"}"#)
            }
            #expect(String(buffer: try await client.send(TokenRequest("/maybe")).body) == #"{"name":"anonymous"}"#)
            let anonymous = try await client.send(TokenRequest("/anonymous"))
            expectError(anonymous, .unauthorized, "missing_token", "Missing Authorization Header", challenge: .realm)
        }
        #expect(directory.calls.load(ordering: .relaxed) == 2, "no token, no call")
    }

    @Test func noUserIsUserNotFoundAndAFailingStoreIsUnavailable() async throws {
        let fixture = try AuthFixture()
        try await app(fixture, Directory()).test(.router) { client in
            let missing = try await client.send(TokenRequest("/me").carrying(try fixture.issuer.accessToken(for: "404").token, at: .headers))
            expectError(missing, .unauthorized, "user_not_found", "Error loading the user 404", challenge: .invalidToken)
            let down = try await client.send(TokenRequest("/maybe").carrying(try fixture.issuer.accessToken(for: "down").token, at: .headers))
            expectError(down, .serviceUnavailable, "unavailable", "The user store is unavailable", challenge: .none)
            #expect(!String(buffer: down.body).contains("hunter2"))
            let disabled = try await client.send(TokenRequest("/me").carrying(try fixture.issuer.accessToken(for: "disabled").token, at: .headers))
            expectError(disabled, .forbidden, "forbidden", "The account is disabled", challenge: .none)
        }
    }

    /// A refused token never reaches the lookup; an implicitly refreshed cookie session does, once.
    @Test func theLookupRunsOnceAndOnlyForGoodTokens() async throws {
        let fixture = try AuthFixture()
        let directory = Directory()
        let pair = try fixture.pair(subject: "1")
        let revoked = try fixture.issuer.accessToken(for: "1")
        await fixture.store.revoke(tokenID: revoked.id, until: revoked.expiresAt)
        try await app(fixture, directory).test(.router) { client in
            _ = try await client.send(TokenRequest("/me").carrying(revoked.token, at: .headers))
            _ = try await client.send(TokenRequest("/me").carrying("x.y.z", at: .headers))
            #expect(directory.calls.load(ordering: .relaxed) == 0)
            fixture.clock.advance(by: .seconds(16 * 60))
            let refreshed = try await client.send(
                TokenRequest("/me").carrying(pair.access.token, at: .cookies).carrying(pair.refresh.token, at: .cookies, refresh: true)
            )
            #expect(String(buffer: refreshed.body) == #"{"name":"Ada"}"#)
            #expect(refreshed.headers[values: .setCookie].contains { $0.hasPrefix("access_token_cookie=") })
            #expect(directory.calls.load(ordering: .relaxed) == 1)
        }
    }

    /// A token whose user is not found counts as refused (`user_not_found`), not as verified.
    @Test func aMissingUserIsCountedAsRefused() async throws {
        let fixture = try AuthFixture()
        let metrics = TestMetrics()
        let manager = try fixture.manager(metricsFactory: metrics)
        try await app(fixture, Directory(), manager: manager).test(.router) { client in
            _ = try await client.send(TokenRequest("/me").carrying(try fixture.issuer.accessToken(for: "1").token, at: .headers))
            _ = try await client.send(TokenRequest("/me").carrying(try fixture.issuer.accessToken(for: "404").token, at: .headers))
        }
        #expect(try metrics.expectCounter("jwt_auth_tokens_verified_total").totalValue == 1)
        #expect(metrics.counterTotal(label: "jwt_auth_tokens_rejected_total", dimensions: [("code", "user_not_found")]) == 1)
    }

    /// `user_lookup_error_loader`: the handler for `user_not_found` answers for the typed lookup too.
    @Test func theUserNotFoundHandlerApplies() async throws {
        let fixture = try AuthFixture()
        var manager = try fixture.manager()
        manager.errorHandlers[.userNotFound] = { error, _, _ in EditedResponse(status: .notFound, response: "No such user: \(error.message)") }
        try await app(fixture, Directory(), manager: manager).test(.router) { client in
            let response = try await client.send(TokenRequest("/me").carrying(try fixture.issuer.accessToken(for: "404").token, at: .headers))
            #expect(response.status == .notFound)
            #expect(String(buffer: response.body) == "No such user: Error loading the user 404")
        }
    }
}
