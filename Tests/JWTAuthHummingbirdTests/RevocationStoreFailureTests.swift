import HTTPTypes
import Hummingbird
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTestSupport
import NIOCore
import Testing

/// A revocation store that cannot answer fails closed (503, never 200, never 500), and a slow one
/// holds up only its own request.
@Suite struct RevocationStoreFailureTests {
    @Test(arguments: RouteRequirement.allCases)
    func aFailingStoreFailsClosed(_ route: RouteRequirement) async throws {
        let fixture = try AuthFixture()
        let manager = try fixture.manager(locations: [.headers, .cookies], revocationStore: FailingRevocationStore(), implicitRefresh: .seconds(300))
        let token = try fixture.goodToken(for: route).token
        try await fixture.app(manager).test(.router) { client in
            let response = try await client.send(TokenRequest(route.path).carrying(token, at: .headers, refresh: route.acceptsRefreshTokens))
            expectError(response, .serviceUnavailable, "unavailable", "The revocation store is unavailable", challenge: .none)
            #expect(!String(buffer: response.body).contains("secret-host"))
        }
    }

    /// The implicit refresh from a refresh cookie consults the store too.
    @Test func aFailingStoreStopsImplicitRefresh() async throws {
        let fixture = try AuthFixture()
        let manager = try fixture.manager(locations: [.cookies], revocationStore: FailingRevocationStore(), implicitRefresh: .seconds(300))
        let pair = try fixture.pair()
        try await fixture.app(manager).test(.router) { client in
            let response = try await client.send(TokenRequest("/required").carrying(pair.refresh.token, at: .cookies, refresh: true))
            expectError(response, .serviceUnavailable, "unavailable", "The revocation store is unavailable", challenge: .none)
            #expect(response.headers[values: .setCookie].isEmpty)
        }
    }

    /// Without a token the store is never asked, so an anonymous optional request still passes.
    @Test func anonymousRequestsDoNotNeedTheStore() async throws {
        let fixture = try AuthFixture()
        let manager = try fixture.manager(revocationStore: FailingRevocationStore())
        try await fixture.app(manager).test(.router) { client in
            expectUser(try await client.send(TokenRequest("/optional")), nil)
        }
    }

    /// One request's revocation check is held on a continuation; a second request on another connection
    /// is answered meanwhile; then the first is released and answered too. Runs on a live server (port 0).
    @Test func aSlowStoreDoesNotBlockOtherRequests() async throws {
        let fixture = try AuthFixture()
        let store = GatedRevocationStore(gatedSubject: "slow")
        let manager = try fixture.manager(revocationStore: store)
        let slowToken = try fixture.issuer.accessToken(for: "slow").token
        let fastToken = try fixture.issuer.accessToken(for: "fast").token
        try await fixture.app(manager).test(.live) { client in
            let port = try #require(client.port)
            @Sendable func slowRequest() async throws -> TestResponse {
                defer { store.finished() }
                return try await client.execute(uri: "/required", method: .get, auth: .bearer(slowToken)) { $0 }
            }
            async let slow = slowRequest()
            let event = await store.nextEvent()
            guard event == .suspended else {
                Issue.record("the slow request ended without reaching the store")
                _ = try await slow
                return
            }
            let fast: TestClient.Response
            do {
                fast = try await TestClient.withClient(host: "localhost", port: port) { other in
                    try await other.get("/required", headers: [.authorization: "Bearer \(fastToken)"])
                }
            } catch {
                store.release()
                _ = try? await slow
                throw error
            }
            #expect(fast.status == .ok)
            #expect(fast.body.map { String(buffer: $0) } == #"{"user":"fast"}"#)
            #expect(store.isHolding, "the slow request was still waiting while the fast one was answered")
            store.release()
            expectUser(try await slow, "slow")
        }
    }
}
