import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

/// Where tokens are looked for: order, per-route overrides, and the missing-token messages.
@Suite struct TokenLocationTests {
    @Test func locationsAreTriedInOrder() async throws {
        let fixture = try AuthFixture()
        let header = try fixture.issuer.accessToken(for: "from-header").token
        let cookie = try fixture.issuer.accessToken(for: "from-cookie").token
        let request = TokenRequest("/required").carrying(header, at: .headers).carrying(cookie, at: .cookies)
        for (locations, winner) in [([TokenLocation.headers, .cookies], "from-header"), ([.cookies, .headers], "from-cookie")] {
            try await fixture.app(try fixture.manager(locations: locations)).test(.router) { client in
                expectUser(try await client.send(request), winner)
            }
        }
    }

    @Test func aLaterLocationIsUsedWhenTheFirstIsEmpty() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "7").token
        let manager = try fixture.manager(locations: [.headers, .cookies, .query, .json])
        try await fixture.app(manager).test(.router) { client in
            for location in [TokenLocation.cookies, .query, .json] {
                expectUser(try await client.send(TokenRequest("/required").carrying(token, at: location)), "7")
            }
        }
    }

    /// A bad `Authorization` header is refused, not skipped for a later location (as Flask-JWT-Extended).
    @Test func aBadHeaderIsNotSkipped() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "7").token
        let request = TokenRequest("/required").with(.authorization, "Basic dXNlcjpwYXNz").carrying(token, at: .cookies)
        try await fixture.app(try fixture.manager(locations: [.headers, .cookies])).test(.router) { client in
            let response = try await client.send(request)
            expectError(response, .unauthorized, "invalid_header", BearerHeaderTests.invalidHeaderMessage, challenge: .realm)
        }
    }

    /// Proxies and access logs keep query strings: a manager built with the defaults never reads one.
    @Test func theQueryStringIsNotALocationByDefault() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "7").token
        let manager = JWTManager(verifier: try fixture.factory.verifier(revocationStore: fixture.store))
        try await fixture.app(manager).test(.router) { client in
            let response = try await client.send(TokenRequest("/required").carrying(token, at: .query))
            expectError(response, .unauthorized, "missing_token", "Missing Authorization Header", challenge: .realm)
            expectUser(try await client.send(TokenRequest("/required").carrying(token, at: .headers)), "7")
        }
    }

    @Test func routeLocationsOverrideTheManagers() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "7").token
        let manager = try fixture.manager(locations: [.headers])
        let app = fixture.app(manager) { router in
            router.group("/query-only").add(middleware: manager.middleware(JWTRequirement(locations: [.query])))
                .get { _, context in AuthFixture.userResponse(context) }
        }
        try await app.test(.router) { client in
            expectUser(try await client.send(TokenRequest("/query-only").carrying(token, at: .query)), "7")
            let response = try await client.send(TokenRequest("/query-only").carrying(token, at: .headers))
            expectError(response, .unauthorized, "missing_token", #"Missing "jwt" query parameter"#, challenge: .realm)
            expectUser(try await client.send(TokenRequest("/required").carrying(token, at: .headers)), "7")
            let other = try await client.send(TokenRequest("/required").carrying(token, at: .query))
            expectError(other, .unauthorized, "missing_token", "Missing Authorization Header", challenge: .realm)
        }
    }

    @Test(arguments: [
        (
            [TokenLocation.headers, .cookies],
            #"Missing JWT in headers or cookies (Missing Authorization Header; Missing cookie "access_token_cookie")"#
        ),
        (
            [.cookies, .headers, .query],
            #"Missing JWT in cookies, headers or query (Missing cookie "access_token_cookie"; Missing Authorization Header; Missing "jwt" query parameter)"#
        ),
        (
            [.headers, .cookies, .query, .json],
            #"Missing JWT in headers, cookies, query or json (Missing Authorization Header; Missing cookie "access_token_cookie"; "#
                + #"Missing "jwt" query parameter; Invalid content-type. Must be application/json)"#
        ),
    ])
    func missingTokenMessageNamesEveryLocation(_ locations: [TokenLocation], _ message: String) async throws {
        let fixture = try AuthFixture()
        try await fixture.app(try fixture.manager(locations: locations)).test(.router) { client in
            expectError(try await client.send(TokenRequest("/required")), .unauthorized, "missing_token", message, challenge: .realm)
        }
    }

    @Test func refreshRoutesNameTheRefreshCookieAndKey() async throws {
        let fixture = try AuthFixture()
        let message = #"Missing JWT in cookies or json (Missing cookie "refresh_token_cookie"; Missing "refresh_token" key in json data)"#
        try await fixture.app(try fixture.manager(locations: [.cookies, .json])).test(.router) { client in
            let response = try await client.send(TokenRequest("/refresh").carryingNothing(at: .json))
            expectError(response, .unauthorized, "missing_token", message, challenge: .realm)
        }
    }

    @Test func jsonLocationNeedsAJSONBody() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "7").token
        try await fixture.app(try fixture.manager(locations: [.json])).test(.router) { client in
            let form = try await client.send(TokenRequest("/required", method: .post).withForm("access_token=\(token)"))
            expectError(form, .unauthorized, "missing_token", "Invalid content-type. Must be application/json", challenge: .realm)
            var malformed = TokenRequest("/required", method: .post)
            malformed.setJSON(#"{"access_token": "#)
            expectError(try await client.send(malformed), .badRequest, "bad_request", "Malformed JSON body", challenge: .none)
            var notAString = TokenRequest("/required", method: .post)
            notAString.setJSON(#"{"access_token": 5}"#)
            let response = try await client.send(notAString)
            expectError(response, .unauthorized, "missing_token", #"Missing "access_token" key in json data"#, challenge: .realm)
        }
    }

    /// The body read for the `.json` location is still there for the handler.
    @Test func handlerReadsTheBodyAfterTheJSONLocation() async throws {
        struct Note: Decodable { let access_token: String, note: String }
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "7").token
        let manager = try fixture.manager(locations: [.json])
        let app = fixture.app(manager) { router in
            router.group("/notes").add(middleware: manager.middleware(.required))
                .post { request, context in
                    let note = try await request.decode(as: Note.self, context: context)
                    return AuthFixture.json(["user": .string(try context.requireJWT().subject), "note": .string(note.note)])
                }
        }
        try await app.test(.router) { client in
            var request = TokenRequest("/notes", method: .post)
            request.setJSON(#"{"access_token":"\#(token)","note":"hello"}"#)
            let response = try await client.send(request)
            #expect(response.status == .ok)
            #expect(String(buffer: response.body) == #"{"note":"hello","user":"7"}"#)
        }
    }

    @Test func identityRecordsWhereTheTokenWasFound() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.issuer.accessToken(for: "7").token
        let manager = try fixture.manager(locations: [.headers, .cookies, .query, .json])
        let app = fixture.app(manager) { router in
            router.group("/where").add(middleware: manager.middleware(.required))
                .get { _, context in AuthFixture.json(["location": .string(try context.requireJWT().location.name)]) }
        }
        try await app.test(.router) { client in
            for location in [TokenLocation.headers, .cookies, .query, .json] {
                let response = try await client.send(TokenRequest("/where").carrying(token, at: location))
                #expect(String(buffer: response.body) == #"{"location":"\#(location.name)"}"#)
            }
        }
    }
}
