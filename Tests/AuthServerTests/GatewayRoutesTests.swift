import AuthServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthTesting
import Testing

/// `GET /auth/verify` and `POST /auth/introspect` through the router.
@Suite struct GatewayRoutesTests {
    static let client = "gateway"
    static let clientSecret = "a-long-client-secret-1234"
    static let basic = "Basic " + Data("\(client):\(clientSecret)".utf8).base64EncodedString()

    func withService(
        clock: JWTClock = .system,
        _ body: @Sendable (any TestClientProtocol, String) async throws -> Void
    ) async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: [
            "DATA_DIR": directory, "BCRYPT_COST": "4", "INTROSPECTION_CLIENTS": "\(Self.client):\(Self.clientSecret)",
        ])
        try await AuthServer.buildApplication(configuration, clock: clock).test(.router) { client in
            let credentials = ByteBuffer(string: #"{"username":"gina","password":"password123"}"#)
            _ = try await client.execute(uri: "/auth/register", method: .post, headers: InProcessServiceTests.json, body: credentials)
            let login = try await client.execute(uri: "/auth/login", method: .post, headers: InProcessServiceTests.json, body: credentials)
            let access = try #require(InProcessServiceTests.object(login)["access_token"]?.stringValue)
            try await body(client, access)
        }
    }

    @Test func verifyAnswersWithIdentityHeaders() async throws {
        try await withService { client, access in
            let ok = try await client.execute(uri: "/auth/verify", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(ok.status == .ok)
            #expect(ok.headers[HTTPField.Name("X-Auth-Subject")!] == "1")
            #expect(ok.headers[HTTPField.Name("X-Auth-Roles")!] == "")
            #expect(ok.headers[HTTPField.Name("X-Auth-Session")!]?.isEmpty == false)
            #expect(ok.headers[.cacheControl] == "no-store")
            let missing = try await client.execute(uri: "/auth/verify", method: .get)
            #expect(missing.status == .unauthorized)
            #expect(missing.headers[.wwwAuthenticate] == #"Bearer realm="jwt-auth""#)
            let role = try await client.execute(uri: "/auth/verify?role=admin", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(role.status == .forbidden)
            #expect(role.headers[.wwwAuthenticate]?.contains(#"error="insufficient_scope""#) == true)
        }
    }

    @Test func introspectionAnswersActiveOrNot() async throws {
        try await withService { client, access in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .authorization: Self.basic]
            let active = try await client.execute(uri: "/auth/introspect", method: .post, headers: form, body: ByteBuffer(string: "token=\(access)"))
            let members = InProcessServiceTests.object(active)
            #expect(members["active"] == true)
            #expect(members["sub"] == "1")
            #expect(members["token_type"] == "access_token")
            let forged = try await client.execute(uri: "/auth/introspect", method: .post, headers: form, body: ByteBuffer(string: "token=\(access)x"))
            #expect(InProcessServiceTests.object(forged) == ["active": false])
            _ = try await client.execute(uri: "/auth/logout", method: .post, headers: [.authorization: "Bearer \(access)"])
            let revoked = try await client.execute(uri: "/auth/introspect", method: .post, headers: form, body: ByteBuffer(string: "token=\(access)"))
            #expect(InProcessServiceTests.object(revoked) == ["active": false])
            let unknown = try await client.execute(
                uri: "/auth/introspect",
                method: .post,
                headers: [
                    .contentType: "application/x-www-form-urlencoded", .authorization: "Basic " + Data("gateway:wrong".utf8).base64EncodedString(),
                ],
                body: ByteBuffer(string: "token=\(access)")
            )
            #expect(unknown.status == .unauthorized)
        }
    }

    /// Only a configured client may ask: no credentials, an unknown client id, or a client id with the
    /// right secret of another client are all 401, and none of them learns whether the token is active.
    @Test(arguments: [nil, "Basic " + Data("stranger:\(clientSecret)".utf8).base64EncodedString(), "Bearer \(clientSecret)"])
    func introspectionRefusesUnknownClients(authorization: String?) async throws {
        try await withService { client, access in
            var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            headers[.authorization] = authorization
            let response = try await client.execute(
                uri: "/auth/introspect",
                method: .post,
                headers: headers,
                body: ByteBuffer(string: "token=\(access)")
            )
            #expect(response.status == .unauthorized)
            #expect(InProcessServiceTests.object(response)["active"] == nil)
        }
    }

    @Test func anExpiredTokenIsInactiveAndRefusedByVerify() async throws {
        let clock = SettableClock(now: 1_767_225_600)
        try await withService(clock: clock.clock) { client, access in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .authorization: Self.basic]
            let before = try await client.execute(uri: "/auth/introspect", method: .post, headers: form, body: ByteBuffer(string: "token=\(access)"))
            #expect(InProcessServiceTests.object(before)["active"] == true)
            #expect(InProcessServiceTests.object(before)["exp"] == .int(1_767_225_600 + 900))
            clock.advance(by: .seconds(901))
            let after = try await client.execute(uri: "/auth/introspect", method: .post, headers: form, body: ByteBuffer(string: "token=\(access)"))
            #expect(InProcessServiceTests.object(after) == ["active": false])
            let verify = try await client.execute(uri: "/auth/verify", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(verify.status == .unauthorized)
            #expect(InProcessServiceTests.object(verify)["error"] == "token_expired")
        }
    }

    /// Envoy's ext_authz (HTTP mode) appends the original path to `path_prefix` and keeps the method.
    @Test(arguments: [HTTPRequest.Method.get, .post, .delete])
    func verifyAnswersEnvoyStylePrefixedChecks(method: HTTPRequest.Method) async throws {
        try await withService { client, access in
            let ok = try await client.execute(uri: "/auth/verify/api/orders/7?x=1", method: method, headers: [.authorization: "Bearer \(access)"])
            #expect(ok.status == .ok)
            #expect(ok.headers[HTTPField.Name("X-Auth-Subject")!] == "1")
            let missing = try await client.execute(uri: "/auth/verify/api/orders/7", method: method)
            #expect(missing.status == .unauthorized)
            #expect(InProcessServiceTests.object(missing)["error"] == "missing_token")
            let role = try await client.execute(uri: "/auth/verify/admin?role=admin", method: method, headers: [.authorization: "Bearer \(access)"])
            #expect(role.status == .forbidden)
        }
    }
}
