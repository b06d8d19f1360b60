import HTTPTypes
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTestSupport
import JWTAuthTesting
import Testing

/// Every requirement × location × failure of DESIGN.md's error table that can happen there: status,
/// exact JSON body and `WWW-Authenticate`.
@Suite struct RequirementMatrixTests {
    enum Failure: String, CaseIterable, Sendable {
        case missingToken = "missing_token"
        case invalidHeader = "invalid_header"
        case invalidToken = "invalid_token"
        case tokenExpired = "token_expired"
        case tokenRevoked = "token_revoked"
        case wrongTokenType = "wrong_token_type"
        case freshTokenRequired = "fresh_token_required"
        case csrfFailed = "csrf_failed"
        case userNotFound = "user_not_found"
        case insufficientScope = "insufficient_scope"
        case payloadTooLarge = "payload_too_large"
        case unavailable = "unavailable"

        func applies(to route: RouteRequirement, at location: TokenLocation) -> Bool {
            switch self {
            case .missingToken: route != .optional  // optional routes answer 200 (OptionalRouteTests)
            case .invalidHeader: location == .headers
            case .freshTokenRequired: route == .fresh
            case .csrfFailed: location == .cookies
            case .payloadTooLarge: location == .json || location == .cookies  // the JSON body, a CSRF form body
            default: true
            }
        }
    }

    struct Case: Sendable, CustomTestStringConvertible {
        let route: RouteRequirement
        let location: TokenLocation
        let failure: Failure
        var testDescription: String { "\(route) at \(location): \(failure.rawValue)" }
    }

    static let locations: [TokenLocation] = [.headers, .cookies, .query, .json]

    static let cases: [Case] = RouteRequirement.allCases.flatMap { route in
        locations.flatMap { location in
            Failure.allCases.filter { $0.applies(to: route, at: location) }.map { Case(route: route, location: location, failure: $0) }
        }
    }

    /// Small, so that a 2 KiB body is over it.
    static let bodyLimit = 1024

    @Test(arguments: cases)
    func failure(_ test: Case) async throws {
        let fixture = try AuthFixture()
        let route = test.route
        let refresh = route.acceptsRefreshTokens
        var revocationStore: (any RevocationStore)? = nil
        var userLoader: JWTManager.UserLoader? = nil
        var request = TokenRequest(route.path)
        let good = try fixture.goodToken(for: route)
        let expected: (status: HTTPResponse.Status, message: String, challenge: Challenge)

        switch test.failure {
        case .missingToken:
            request = request.carryingNothing(at: test.location)
            expected = (.unauthorized, Self.missingMessage(test.location, refresh: refresh), .realm)
        case .invalidHeader:
            request = request.with(.authorization, "Bearer \(good.token) \(good.token)")
            expected = (.unauthorized, "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'", .realm)
        case .invalidToken:
            let stranger = try TokenFactory(configuration: TokenConfiguration(includesCSRFClaim: true))
            let forged = try refresh ? stranger.token(.refresh) : stranger.issuer.accessToken(for: "42", fresh: .fresh).token
            request = request.carrying(forged, at: test.location, refresh: refresh)
            expected = (.unauthorized, "Signature verification failed", .invalidToken)
        case .tokenExpired:
            request = request.carrying(good.token, at: test.location, refresh: refresh)
            fixture.clock.now = good.expiresAt + 1
            expected = (.unauthorized, "Token has expired", .invalidToken)
        case .tokenRevoked:
            await fixture.store.revoke(tokenID: good.id, until: good.expiresAt)
            request = request.carrying(good.token, at: test.location, refresh: refresh)
            expected = (.unauthorized, "Token has been revoked", .invalidToken)
        case .wrongTokenType:
            let other = try fixture.goodToken(for: refresh ? .fresh : .refresh)
            request = request.carrying(other.token, at: test.location, refresh: refresh)
            expected = (.unauthorized, refresh ? "Only refresh tokens are allowed" : "Only non-refresh tokens are allowed", .invalidToken)
        case .freshTokenRequired:
            let stale = try fixture.issuer.accessToken(for: "42", fresh: .notFresh)
            request = request.carrying(stale.token, at: test.location)
            expected = (.unauthorized, "Fresh token required", .invalidToken)
        case .csrfFailed:
            request.method = .post
            request = request.carrying(good.token, at: .cookies, refresh: refresh)
            expected = (.unauthorized, "Missing CSRF token", .invalidToken)
        case .userNotFound:
            userLoader = { _ in nil }
            request = request.carrying(good.token, at: test.location, refresh: refresh)
            expected = (.unauthorized, "Error loading the user 42", .invalidToken)
        case .insufficientScope:
            request = TokenRequest(route.path + "/admin").carrying(good.token, at: test.location, refresh: refresh)
            expected = (.forbidden, "Missing required role: admin", .insufficientScope)
        case .payloadTooLarge:
            let padding = String(repeating: "a", count: 2 * Self.bodyLimit)
            if test.location == .json {
                request.setJSON(#"{"padding":"\#(padding)"}"#)
            } else {
                request.method = .post
                request = request.carrying(good.token, at: .cookies, refresh: refresh).withForm("padding=\(padding)")
            }
            expected = (.contentTooLarge, "Request body too large", .none)
        case .unavailable:
            revocationStore = FailingRevocationStore()
            request = request.carrying(good.token, at: test.location, refresh: refresh)
            expected = (.serviceUnavailable, "The revocation store is unavailable", .none)
        }

        let manager = try fixture.manager(
            locations: [test.location],
            revocationStore: revocationStore,
            maximumBodySize: Self.bodyLimit,
            userLoader: userLoader
        )
        let built = request
        try await fixture.app(manager).test(.router) { client in
            let response = try await client.send(built)
            expectError(response, expected.status, test.failure.rawValue, expected.message, challenge: expected.challenge)
        }
    }

    /// The same requests with the good token pass, so that each failure above has one cause only.
    @Test(arguments: RouteRequirement.allCases, locations)
    func goodTokenPasses(_ route: RouteRequirement, _ location: TokenLocation) async throws {
        let fixture = try AuthFixture()
        let manager = try fixture.manager(locations: [location], maximumBodySize: Self.bodyLimit, userLoader: { $0.subject })
        let token = try fixture.goodToken(for: route, roles: ["admin"]).token
        try await fixture.app(manager).test(.router) { client in
            for path in [route.path, route.path + "/admin"] {
                let response = try await client.send(TokenRequest(path).carrying(token, at: location, refresh: route.acceptsRefreshTokens))
                expectUser(response, "42")
            }
        }
    }

    static func missingMessage(_ location: TokenLocation, refresh: Bool) -> String {
        switch location {
        case .cookies: #"Missing cookie "\#(refresh ? "refresh_token_cookie" : "access_token_cookie")""#
        case .query: #"Missing "jwt" query parameter"#
        case .json: #"Missing "\#(refresh ? "refresh_token" : "access_token")" key in json data"#
        default: "Missing Authorization Header"
        }
    }
}
