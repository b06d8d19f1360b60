import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Synchronization
import Testing

/// `user_lookup_loader`: `current_user`, `user_not_found`, and a store that cannot answer.
@Suite struct UserLoaderTests {
    struct User: Sendable {
        let id: String
        let name: String
    }

    struct StoreDown: Error, CustomStringConvertible {
        var description: String { "postgres://admin:hunter2@db/users unreachable" }
    }

    /// A loader that counts its calls and knows users 1 and 2.
    final class Directory: Sendable {
        let calls = Atomic<Int>(0)
        let users = ["1": User(id: "1", name: "Ada"), "2": User(id: "2", name: "Grace")]

        func load(_ identity: JWTIdentity) async throws -> (any Sendable)? {
            calls.add(1, ordering: .relaxed)
            if identity.subject == "down" { throw StoreDown() }
            if identity.subject == "disabled" { throw JWTAuthError.forbidden("The account is disabled") }
            return users[identity.subject]
        }
    }

    func app(_ fixture: AuthFixture, _ directory: Directory) throws -> some ApplicationProtocol {
        let manager = try fixture.manager(
            locations: [.headers, .cookies],
            userLoader: { try await directory.load($0) },
            implicitRefresh: .seconds(300)
        )
        return fixture.app(manager) { router in
            router.group("/me").add(middleware: manager.middleware(.optional))
                .get { _, context in
                    let user = context.identity?.user(as: User.self)
                    return AuthFixture.json(["name": user.map { .string($0.name) } ?? .null])
                }
        }
    }

    @Test func theLoadedUserReachesTheHandler() async throws {
        let fixture = try AuthFixture()
        let directory = Directory()
        try await app(fixture, directory).test(.router) { client in
            for (id, name) in [("1", "Ada"), ("2", "Grace")] {
                let token = try fixture.issuer.accessToken(for: id).token
                let response = try await client.send(TokenRequest("/me").carrying(token, at: .headers))
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"name":"\#(name)"}"#)
            }
            #expect(String(buffer: try await client.send(TokenRequest("/me")).body) == #"{"name":null}"#)
        }
        #expect(directory.calls.load(ordering: .relaxed) == 2, "no token, no call")
    }

    @Test func aMissingUserIsUserNotFound() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "404").token
        try await app(fixture, Directory()).test(.router) { client in
            for path in ["/required", "/optional", "/me"] {
                let response = try await client.send(TokenRequest(path).carrying(token, at: .headers))
                expectError(response, .unauthorized, "user_not_found", "Error loading the user 404", challenge: .invalidToken)
            }
        }
    }

    /// A loader that throws fails closed with 503, and its error's text is never shown.
    @Test func aFailingLoaderIsUnavailable() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "down").token
        try await app(fixture, Directory()).test(.router) { client in
            for path in ["/required", "/optional"] {
                let response = try await client.send(TokenRequest(path).carrying(token, at: .headers))
                expectError(response, .serviceUnavailable, "unavailable", "The user store is unavailable", challenge: .none)
                #expect(!String(buffer: response.body).contains("hunter2"))
            }
        }
    }

    /// A loader may refuse with its own `JWTAuthError`, which is answered as it is.
    @Test func aLoaderCanRefuseWithItsOwnError() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "disabled").token
        try await app(fixture, Directory()).test(.router) { client in
            let response = try await client.send(TokenRequest("/required").carrying(token, at: .headers))
            expectError(response, .forbidden, "forbidden", "The account is disabled", challenge: .none)
        }
    }

    @Test func theLoaderRunsOncePerRequest() async throws {
        let fixture = try AuthFixture()
        let directory = Directory()
        let pair = try fixture.pair(subject: "1", roles: ["admin"])
        try await app(fixture, directory).test(.router) { client in
            _ = try await client.send(TokenRequest("/required").carrying(pair.access.token, at: .headers))
            #expect(directory.calls.load(ordering: .relaxed) == 1)
            // Behind a role check too.
            _ = try await client.send(TokenRequest("/required/admin").carrying(pair.access.token, at: .headers))
            #expect(directory.calls.load(ordering: .relaxed) == 2)
            // And when a cookie session is refreshed implicitly.
            fixture.clock.advance(by: .seconds(16 * 60))
            let refreshed = try await client.send(
                TokenRequest("/required").carrying(pair.access.token, at: .cookies).carrying(pair.refresh.token, at: .cookies, refresh: true)
            )
            expectUser(refreshed, "1")
            #expect(directory.calls.load(ordering: .relaxed) == 3)
        }
    }

    /// A refused token never reaches the loader.
    @Test func refusedTokensAreNotLoaded() async throws {
        let fixture = try AuthFixture()
        let directory = Directory()
        let token = try fixture.issuer.accessToken(for: "1")
        await fixture.store.revoke(tokenID: token.id, until: token.expiresAt)
        try await app(fixture, directory).test(.router) { client in
            _ = try await client.send(TokenRequest("/required").carrying(token.token, at: .headers))
            _ = try await client.send(TokenRequest("/required").carrying("x.y.z", at: .headers))
        }
        #expect(directory.calls.load(ordering: .relaxed) == 0)
    }
}
