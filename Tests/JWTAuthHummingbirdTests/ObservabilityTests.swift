import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTestSupport
import JWTAuthTesting
import Logging
import MetricsTestKit
import Testing

/// Refusals are logged with their code and counted by code; no log line holds a token. The logger goes
/// through `Application(logger:)` and the metrics through `JWTManager(metricsFactory:)`, since
/// `LoggingSystem` and `MetricsSystem` are process-wide.
@Suite struct ObservabilityTests {
    /// The middleware checks a bearer token without suspending when the revocation store answers at once (the
    /// in-memory store, SQLite's index), and awaits the store otherwise: both ways log and count alike.
    static let revocationStores = [RevocationStoreKind.answeringAtOnce, .awaited]

    enum RevocationStoreKind: CustomTestStringConvertible {
        case answeringAtOnce, awaited

        var testDescription: String { self == .awaited ? "awaited store" : "store answering at once" }

        func store(_ fixture: AuthFixture) -> any RevocationStore {
            switch self {
            case .answeringAtOnce: fixture.store
            case .awaited: fixture.store.awaited
            }
        }
    }

    @Test(arguments: revocationStores)
    func refusalsAreLoggedWithTheirCodeAndNeverTheToken(_ kind: RevocationStoreKind) async throws {
        let fixture = try AuthFixture()
        let logs = LogCapture()
        let good = try fixture.issuer.accessToken(for: "42")
        let revoked = try fixture.issuer.accessToken(for: "43")
        await fixture.store.revoke(tokenID: revoked.id, until: revoked.expiresAt)
        let forged = try fixture.factory.token(claims: ["sub": "44"]) + "tampered"
        let refresh = try fixture.factory.token(.refresh)
        let manager = try fixture.manager(locations: [.headers, .cookies, .query], revocationStore: kind.store(fixture))
        let requests: [(TokenRequest, code: String)] = [
            (TokenRequest("/required").carrying(revoked.token, at: .headers), "token_revoked"),
            (TokenRequest("/required").carrying(forged, at: .query), "invalid_token"),
            (TokenRequest("/required").carrying(refresh, at: .cookies), "wrong_token_type"),
            (TokenRequest("/required").with(.authorization, "Bearer \(good.token) \(good.token)"), "invalid_header"),
            (TokenRequest("/required/admin").carrying(good.token, at: .headers), "insufficient_scope"),
            (TokenRequest("/required"), "missing_token"),
        ]
        try await fixture.app(manager, logger: logs.logger()).test(.router) { client in
            for (request, code) in requests {
                #expect(String(buffer: try await client.send(request).body).contains(#""error":"\#(code)""#))
            }
            expectUser(try await client.send(TokenRequest("/required").carrying(good.token, at: .headers)), "42")
        }
        let refusals = logs.entries.filter { $0.message == "JWT refused" }
        // insufficient_scope is the role middleware's answer, after the token was accepted.
        #expect(refusals.map { $0.metadata["jwt.error"]?.description } == requests.dropLast(2).map(\.code) + ["missing_token"])
        #expect(refusals.allSatisfy { $0.level == .debug })
        for token in [good.token, revoked.token, forged, refresh] {
            let signature = String(token.split(separator: ".").last ?? "")
            #expect(!logs.entries.contains { $0.text.contains(signature) }, "a log line holds a token")
        }
        #expect(!logs.entries.isEmpty)
    }

    @Test func nothingIsLoggedAboveDebugForARefusal() async throws {
        let fixture = try AuthFixture()
        let logs = LogCapture()
        try await fixture.app(try fixture.manager(), logger: logs.logger(level: .info)).test(.router) { client in
            _ = try await client.send(TokenRequest("/required").carrying("x.y.z", at: .headers))
        }
        #expect(logs.entries.isEmpty)
    }

    @Test(arguments: revocationStores)
    func verificationsAndRefusalsAreCounted(_ kind: RevocationStoreKind) async throws {
        let fixture = try AuthFixture()
        let metrics = TestMetrics()
        let manager = try fixture.manager(revocationStore: kind.store(fixture), metricsFactory: metrics)
        let good = try fixture.issuer.accessToken(for: "42").token
        let expired = try fixture.issuer.accessToken(for: "42")
        try await fixture.app(manager).test(.router) { client in
            for _ in 0..<3 { _ = try await client.send(TokenRequest("/required").carrying(good, at: .headers)) }
            _ = try await client.send(TokenRequest("/required"))
            _ = try await client.send(TokenRequest("/optional"))
            fixture.clock.now = expired.expiresAt
            for _ in 0..<2 { _ = try await client.send(TokenRequest("/required").carrying(expired.token, at: .headers)) }
        }
        #expect(try metrics.expectCounter("jwt_auth_tokens_verified_total").totalValue == 3)
        #expect(metrics.counterTotal(label: "jwt_auth_tokens_rejected_total", dimensions: [("code", "token_expired")]) == 2)
        #expect(metrics.counterTotal(label: "jwt_auth_tokens_rejected_total", dimensions: [("code", "missing_token")]) == 1)
        #expect(metrics.counterTotal(label: "jwt_auth_tokens_rejected_total") == 3, "an anonymous optional request is no refusal")
        // The store was asked for the three good requests only: expired tokens stop before it.
        #expect(try metrics.expectTimer("jwt_auth_revocation_store_duration_seconds").values.count == 3)
    }

    @Test func eachManagerCountsIntoItsOwnFactory() async throws {
        let fixture = try AuthFixture()
        let (first, second) = (TestMetrics(), TestMetrics())
        let token = try fixture.issuer.accessToken(for: "42").token
        try await fixture.app(try fixture.manager(metricsFactory: first)).test(.router) { client in
            _ = try await client.send(TokenRequest("/required").carrying(token, at: .headers))
        }
        _ = try fixture.manager(metricsFactory: second)
        #expect(try first.expectCounter("jwt_auth_tokens_verified_total").totalValue == 1)
        #expect(try second.expectCounter("jwt_auth_tokens_verified_total").totalValue == 0)
    }
}
