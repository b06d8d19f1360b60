#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTesting
import JWTAuthVapor
import Testing
import Vapor
import VaporTesting

/// Each requirement × each location: the good token passes (each failure's answer is in the shared
/// AdapterConformanceTests), and what the location order and the bearer parse decide.
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
