import HTTPTypes
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import Testing

/// `Authorization: Bearer <JWT>`: what is accepted and what is `invalid_header`.
@Suite struct BearerHeaderTests {
    static let invalidHeaderMessage = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"

    /// `%@` stands for the token.
    @Test(arguments: ["Bearer %@", "bearer %@", "BEARER %@", "bEaReR %@", "Bearer  %@", "Bearer     %@", "Bearer %@ "])
    func accepted(_ template: String) async throws {
        let fixture = try AuthFixture()
        let token = try fixture.goodToken(for: .required).token
        try await fixture.app(try fixture.manager()).test(.router) { client in
            let response = try await client.send(TokenRequest("/required").with(.authorization, template.replacing("%@", with: token)))
            expectUser(response, "42")
        }
    }

    @Test(arguments: [
        "Bearer %@ %@",  // two tokens
        "Bearer %@, Bearer %@",  // two credentials folded into one field
        "Bearer %@ extra",
        "Bearer",
        "Bearer ",
        "Bearer    ",
        "Bearer\t%@",
        "Bearer%@",
        "Basic dXNlcjpwYXNzd29yZA==",
        "Token %@",
        "JWT %@",
        "%@",
    ])
    func refused(_ template: String) async throws {
        let fixture = try AuthFixture()
        let token = try fixture.goodToken(for: .required).token
        try await fixture.app(try fixture.manager()).test(.router) { client in
            for path in ["/required", "/optional"] {
                let response = try await client.send(TokenRequest(path).with(.authorization, template.replacing("%@", with: token)))
                expectError(response, .unauthorized, "invalid_header", Self.invalidHeaderMessage, challenge: .realm)
            }
        }
    }

    @Test func twoAuthorizationFieldsAreRefused() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.goodToken(for: .required).token
        try await fixture.app(try fixture.manager()).test(.router) { client in
            for second in [token, "garbage", ""] {
                let request = TokenRequest("/required").with(.authorization, "Bearer \(token)").with(.authorization, "Bearer \(second)")
                #expect(request.headers[values: .authorization].count == 2)
                expectError(try await client.send(request), .unauthorized, "invalid_header", Self.invalidHeaderMessage, challenge: .realm)
            }
        }
    }

    /// HummingbirdAuthTesting's `auth: .bearer` sends what the middleware expects.
    @Test func hummingbirdAuthTestingBearer() async throws {
        let fixture = try AuthFixture()
        let token = try fixture.goodToken(for: .required).token
        try await fixture.app(try fixture.manager()).test(.router) { client in
            try await client.execute(uri: "/required", method: .get, auth: .bearer(token)) { response in
                expectUser(response, "42")
            }
        }
    }

    /// A token that is not a JWT at all is `invalid_token` (it was presented), not `invalid_header`.
    @Test(arguments: [("abc", "Not enough segments"), ("a.b.c.d", "Too many segments")])
    func malformedTokenInAWellFormedHeader(_ token: String, _ message: String) async throws {
        let fixture = try AuthFixture()
        try await fixture.app(try fixture.manager()).test(.router) { client in
            let response = try await client.send(TokenRequest("/required").with(.authorization, "Bearer \(token)"))
            expectError(response, .unauthorized, "invalid_token", message, challenge: .invalidToken)
        }
    }
}
