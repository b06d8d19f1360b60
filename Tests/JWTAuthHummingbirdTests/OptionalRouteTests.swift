import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Testing

/// `@jwt_required(optional=True)`: no token is anonymous; a token that is there but bad is still a 401.
@Suite struct OptionalRouteTests {
    static let locations: [TokenLocation] = [.headers, .cookies, .query, .json]

    @Test(arguments: locations)
    func noTokenIsAnonymous(_ location: TokenLocation) async throws {
        let fixture = try AuthFixture()
        let manager = try fixture.manager(
            locations: [location],
            userLoader: { _ in
                Issue.record("no token, no user to load")
                return nil
            }
        )
        try await fixture.app(manager).test(.router) { client in
            expectUser(try await client.send(TokenRequest("/optional").carryingNothing(at: location)), nil)
        }
    }

    @Test func noTokenInAnyOfSeveralLocationsIsAnonymous() async throws {
        let fixture = try AuthFixture()
        try await fixture.app(try fixture.manager(locations: [.headers, .cookies, .query, .json])).test(.router) { client in
            expectUser(try await client.send(TokenRequest("/optional")), nil)
            expectUser(try await client.send(TokenRequest("/optional", method: .post).withCookie("unrelated", "1")), nil)
        }
    }

    @Test(arguments: locations)
    func aGoodTokenIsUsed(_ location: TokenLocation) async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "9").token
        try await fixture.app(try fixture.manager(locations: [location])).test(.router) { client in
            expectUser(try await client.send(TokenRequest("/optional").carrying(token, at: location)), "9")
        }
    }

    enum BadToken: String, CaseIterable, Sendable {
        case garbage, forged, expired, revoked, wrongType, notYetValid
    }

    @Test(arguments: BadToken.allCases, locations)
    func aBadTokenIsStillRefused(_ bad: BadToken, _ location: TokenLocation) async throws {
        let fixture = try AuthFixture()
        let good = try fixture.issuer.accessToken(for: "9")
        let token: String
        let expected: (code: String, message: String)
        switch bad {
        case .garbage:
            token = "not-a-jwt"
            expected = ("invalid_token", "Not enough segments")
        case .forged:
            token = try TokenFactory().token()
            expected = ("invalid_token", "Signature verification failed")
        case .expired:
            token = good.token
            fixture.clock.now = good.expiresAt
            expected = ("token_expired", "Token has expired")
        case .revoked:
            await fixture.store.revoke(tokenID: good.id, until: good.expiresAt)
            token = good.token
            expected = ("token_revoked", "Token has been revoked")
        case .wrongType:
            token = try fixture.factory.token(.refresh)
            expected = ("wrong_token_type", "Only non-refresh tokens are allowed")
        case .notYetValid:
            token = good.token
            fixture.clock.advance(by: .seconds(-10))
            expected = ("invalid_token", "The token is not yet valid (nbf)")
        }
        try await fixture.app(try fixture.manager(locations: [location])).test(.router) { client in
            let response = try await client.send(TokenRequest("/optional").carrying(token, at: location))
            expectError(response, .unauthorized, expected.code, expected.message, challenge: .invalidToken)
        }
    }

    /// With a token that is gone, a handler calling `requireJWT()` answers `missing_token`.
    @Test func requireJWTInAnOptionalRoute() async throws {
        let fixture = try AuthFixture()
        let manager = try fixture.manager()
        let app = fixture.app(manager) { router in
            router.group("/maybe").add(middleware: manager.middleware(.optional))
                .get { _, context in AuthFixture.json(["user": .string(try context.requireJWT().subject)]) }
        }
        try await app.test(.router) { client in
            expectError(
                try await client.send(TokenRequest("/maybe")),
                .unauthorized,
                "missing_token",
                "Missing Authorization Header",
                challenge: .realm
            )
            let token = try fixture.issuer.accessToken(for: "9").token
            expectUser(try await client.send(TokenRequest("/maybe").carrying(token, at: .headers)), "9")
        }
    }
}
