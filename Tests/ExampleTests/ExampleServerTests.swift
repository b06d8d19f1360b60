import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import NIOCore
import Testing

@testable import jwt_auth_example

/// The example server's routes, run through HummingbirdTesting so that the example cannot rot.
@Suite struct ExampleServerTests {
    static let secret = String(repeating: "example-secret-", count: 3)

    /// The example's application with `environment`, and an issuer signing with the same key.
    func makeApp(_ environment: [String: String] = [:]) throws -> (some ApplicationProtocol, TokenIssuer) {
        let settings = try ExampleSettings(environment: ["EXAMPLE_SECRET": Self.secret].merging(environment) { $1 })
        let issuer = try TokenIssuer(key: try settings.signingKey())
        return (try buildApplication(settings, issuer), issuer)
    }

    /// The `Authorization` header for `token`.
    func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }

    @Test func healthIsOpen() async throws {
        let (app, _) = try makeApp()
        try await app.test(.router) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func protectedRouteNeedsAValidToken() async throws {
        let (app, issuer) = try makeApp()
        let token = try issuer.accessToken(for: "alice").token
        let stranger = try TokenIssuer(key: JWTKey.hmac(secret: String(repeating: "another-secret-", count: 3)))
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"missing_token""#))
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(token)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"user":"alice"}"#)
            }
            let forged = try stranger.accessToken(for: "alice").token
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(forged)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"invalid_token""#))
            }
            let refresh = try issuer.refreshToken(for: "alice").token
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(refresh)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"wrong_token_type""#))
            }
        }
    }

    @Test func adminNeedsTheAdminRole() async throws {
        let (app, issuer) = try makeApp()
        let user = try issuer.accessToken(for: "bob", claims: ["roles": ["user"]]).token
        let admin = try issuer.accessToken(for: "carol", claims: ["roles": ["admin"]]).token
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/admin", method: .get, headers: bearer(user)) { response in
                #expect(response.status == .forbidden)
                #expect(String(buffer: response.body).contains(#""error":"insufficient_scope""#))
            }
            try await client.execute(uri: "/api/admin", method: .get, headers: bearer(admin)) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""user":"carol""#))
            }
        }
    }

    @Test func logoutRevokesThatTokenOnly() async throws {
        let (app, issuer) = try makeApp()
        let first = try issuer.accessToken(for: "dave").token
        let second = try issuer.accessToken(for: "dave").token
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/logout", method: .post, headers: bearer(first)) { response in
                #expect(response.status == .noContent)
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(first)) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains(#""error":"token_revoked""#))
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(second)) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func demoTokenEndpointIssuesAWorkingPair() async throws {
        let (app, _) = try makeApp()
        try await app.test(.router) { client in
            let body = ByteBuffer(string: #"{"sub": "erin", "roles": ["admin"]}"#)
            let pair = try await client.execute(uri: "/token", method: .post, headers: [.contentType: "application/json"], body: body) {
                response in
                #expect(response.status == .ok)
                return try JSONParser().parseObject(Array(buffer: response.body))
            }
            #expect(pair["token_type"] == "Bearer")
            #expect(pair["expires_in"] == 900)
            let access = try #require(pair["access_token"]?.stringValue)
            let refresh = try #require(pair["refresh_token"]?.stringValue)
            try await client.execute(uri: "/api/admin", method: .get, headers: bearer(access)) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/protected", method: .get, headers: bearer(refresh)) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }

    @Test(arguments: ["on", "off"]) func es256KeyFromAFileWithAndWithoutTheCache(cache: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let keyFile = directory.appending(path: "es256.pem").path
        let environment = ["EXAMPLE_ALG": "ES256", "EXAMPLE_KEY_FILE": keyFile, "EXAMPLE_CACHE": cache]
        let (app, issuer) = try makeApp(environment)
        // The key file was written with owner-only permissions, and a second reader gets the same key.
        let permissions = try FileManager.default.attributesOfItem(atPath: keyFile)[.posixPermissions] as? Int
        #expect(permissions == 0o600)
        let again = try ExampleSettings(environment: environment).signingKey()
        #expect(again.keyID == issuer.key.keyID)
        let token = try TokenIssuer(key: again).accessToken(for: "frank").token
        try await app.test(.router) { client in
            for _ in 0..<2 {  // the second time, from the cache when it is on
                try await client.execute(uri: "/api/protected", method: .get, headers: bearer(token)) { response in
                    #expect(response.status == .ok)
                    #expect(String(buffer: response.body) == #"{"user":"frank"}"#)
                }
            }
        }
    }

    @Test func settingsRefuseNonsense() {
        #expect(throws: JWTAuthError.self) { try ExampleSettings(environment: ["EXAMPLE_PORT": "70000"]) }
        #expect(throws: JWTAuthError.self) { try ExampleSettings(environment: ["EXAMPLE_ALG": "none"]) }
        #expect(throws: JWTAuthError.self) { try ExampleSettings(environment: ["EXAMPLE_ALG": "RS256"]) }
        #expect(throws: JWTAuthError.self) { try ExampleSettings(environment: ["EXAMPLE_CACHE": "maybe"]) }
    }
}
