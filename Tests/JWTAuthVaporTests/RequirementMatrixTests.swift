#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTesting
import JWTAuthVapor
import Testing
import Vapor
import VaporTesting

/// Each requirement × each location: the good token passes, and each failure answers with its status,
/// exact body and `WWW-Authenticate`, as the Hummingbird adapter does.
@Suite struct RequirementMatrixTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let path: String
        let location: TokenLocation
        var refresh: Bool { path == "refresh" }
        var testDescription: String { "\(path) at \(location)" }
    }

    static let locations: [TokenLocation] = [.headers, .cookies, .query, .json]
    static let cases = ["required", "optional", "fresh", "refresh"].flatMap { path in locations.map { Case(path: path, location: $0) } }

    static func goodToken(_ fixture: VaporFixture, refresh: Bool) throws -> IssuedToken {
        refresh ? try fixture.issuer.refreshToken(for: "42", csrf: "c5rf") : try fixture.issuer.accessToken(for: "42", fresh: .fresh, csrf: "c5rf")
    }

    static let invalid = #"Bearer realm="jwt-auth", error="invalid_token", error_description="#

    @Test(arguments: cases)
    func goodTokenPasses(_ test: Case) async throws {
        let fixture = try VaporFixture()
        let token = try Self.goodToken(fixture, refresh: test.refresh)
        try await fixture.withApp(try fixture.manager(locations: [test.location])) { app in
            for method in [HTTPMethod.GET, .POST] {
                let response = try await app.send(
                    method,
                    Carried("/\(test.path)", token.token, at: test.location, refresh: test.refresh, csrf: "c5rf")
                )
                #expect(response.status == .ok)
                #expect(response.object["user"] == "42")
            }
        }
    }

    @Test(arguments: cases)
    func failures(_ test: Case) async throws {
        let fixture = try VaporFixture()
        let token = try Self.goodToken(fixture, refresh: test.refresh)
        try await fixture.withApp(try fixture.manager(locations: [test.location])) { app in
            let path = "/\(test.path)"
            // No token.
            let missing = try await app.send(.GET, Carried(path))
            if test.path == "optional" {
                #expect(missing.status == .ok)
                #expect(missing.object["user"] == .null)
            } else {
                expectError(
                    missing,
                    .unauthorized,
                    "missing_token",
                    Self.missingMessage(test.location, refresh: test.refresh),
                    challenge: #"Bearer realm="jwt-auth""#
                )
            }
            // Another key's token.
            let stranger = try TokenFactory(configuration: TokenConfiguration(includesCSRFClaim: true))
            let forged = test.refresh ? try stranger.token(.refresh) : try stranger.issuer.accessToken(for: "42", fresh: .fresh).token
            let bad = try await app.send(.GET, Carried(path, forged, at: test.location, refresh: test.refresh))
            expectError(
                bad,
                .unauthorized,
                "invalid_token",
                "Signature verification failed",
                challenge: Self.invalid + #""Signature verification failed""#
            )
            // The wrong type.
            let other = test.refresh ? try fixture.issuer.accessToken(for: "42", fresh: .fresh) : try fixture.issuer.refreshToken(for: "42")
            let wrong = try await app.send(.GET, Carried(path, other.token, at: test.location, refresh: test.refresh))
            let typeMessage = test.refresh ? "Only refresh tokens are allowed" : "Only non-refresh tokens are allowed"
            expectError(wrong, .unauthorized, "wrong_token_type", typeMessage, challenge: Self.invalid + "\"\(typeMessage)\"")
            // Not fresh.
            if test.path == "fresh" {
                let stale = try fixture.issuer.accessToken(for: "42", fresh: .notFresh)
                let response = try await app.send(.GET, Carried(path, stale.token, at: test.location))
                expectError(
                    response,
                    .unauthorized,
                    "fresh_token_required",
                    "Fresh token required",
                    challenge: Self.invalid + #""Fresh token required""#
                )
            }
            // Revoked.
            await fixture.store.revoke(tokenID: try #require(token.claims.id), until: token.expiresAt)
            let revoked = try await app.send(.GET, Carried(path, token.token, at: test.location, refresh: test.refresh))
            expectError(revoked, .unauthorized, "token_revoked", "Token has been revoked", challenge: Self.invalid + #""Token has been revoked""#)
            // Expired.
            fixture.clock.now = token.expiresAt + 1
            let expired = try await app.send(.GET, Carried(path, token.token, at: test.location, refresh: test.refresh))
            expectError(expired, .unauthorized, "token_expired", "Token has expired", challenge: Self.invalid + #""Token has expired""#)
        }
    }

    static func missingMessage(_ location: TokenLocation, refresh: Bool) -> String {
        switch location {
        case .headers: "Missing Authorization Header"
        case .cookies: refresh ? #"Missing cookie "refresh_token_cookie""# : #"Missing cookie "access_token_cookie""#
        case .query: #"Missing "jwt" query parameter"#
        default: "Invalid content-type. Must be application/json"
        }
    }

    @Test func severalLocationsNameEachInTheMissingMessage() async throws {
        let fixture = try VaporFixture()
        try await fixture.withApp(try fixture.manager(locations: [.headers, .cookies, .query])) { app in
            let response = try await app.send(.GET, Carried("/required"))
            let message =
                #"Missing JWT in headers, cookies or query (Missing Authorization Header; Missing cookie "access_token_cookie"; Missing "jwt" query parameter)"#
            expectError(response, .unauthorized, "missing_token", message, challenge: #"Bearer realm="jwt-auth""#)
        }
    }

    @Test func theFirstLocationHoldingATokenWins() async throws {
        let fixture = try VaporFixture()
        let good = try fixture.issuer.accessToken(for: "42")
        try await fixture.withApp(try fixture.manager(locations: [.headers, .query])) { app in
            var carried = Carried("/required", "not-a-token", at: .query)
            carried.headers.add(name: .authorization, value: "Bearer \(good.token)")
            let response = try await app.send(.GET, carried)
            #expect(response.object["user"] == "42")
        }
    }

    @Test func aBadAuthorizationHeaderIsInvalidHeader() async throws {
        let fixture = try VaporFixture()
        let good = try fixture.issuer.accessToken(for: "42")
        try await fixture.withApp(try fixture.manager()) { app in
            for value in ["Bearer \(good.token) \(good.token)", "Basic abc", "Bearer"] {
                let response = try await app.send(.GET, "/required", headers: ["Authorization": value])
                expectError(
                    response,
                    .unauthorized,
                    "invalid_header",
                    "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'",
                    challenge: #"Bearer realm="jwt-auth""#
                )
            }
            let lower = try await app.send(.GET, "/required", headers: ["Authorization": "bearer   \(good.token) "])
            #expect(lower.status == .ok)
        }
    }

    @Test func optionalRoutesStillRefuseABadToken() async throws {
        let fixture = try VaporFixture()
        try await fixture.withApp(try fixture.manager()) { app in
            let response = try await app.send(.GET, "/optional", headers: ["Authorization": "Bearer abc.def.ghi"])
            #expect(response.status == .unauthorized)
            #expect(response.object["error"] == "invalid_token")
        }
    }

    @Test func optionsNeedsNoToken() async throws {
        let fixture = try VaporFixture()
        try await fixture.withApp(try fixture.manager()) { app in
            let response = try await app.send(.OPTIONS, "/required")
            #expect(response.status != .unauthorized)
        }
    }
}
#endif
