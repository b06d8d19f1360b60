import AuthServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthTesting
import Testing

/// `JWT_AUTH_ENCRYPTION_KEY`: every token the service issues is a nested JWT, and only such tokens are accepted.
@Suite struct EncryptedTokenServiceTests {
    static func configuration(_ directory: String, key: [UInt8]) throws -> AuthServerConfiguration {
        let keyFile = directory + "/encryption.key"
        try Data(key).write(to: URL(fileURLWithPath: keyFile))
        return try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4", "ENCRYPTION_KEY": keyFile])
    }

    @Test func tokensAreEncryptedAndAcceptedEverywhere() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = [UInt8](repeating: 0x5A, count: 32)
        let configuration = try Self.configuration(directory, key: secret)
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            let credentials = ByteBuffer(string: #"{"username":"alice","password":"correct horse"}"#)
            _ = try await client.execute(uri: "/auth/register", method: .post, headers: InProcessServiceTests.json, body: credentials)
            let login = try await client.execute(uri: "/auth/login", method: .post, headers: InProcessServiceTests.json, body: credentials)
            let access = try #require(InProcessServiceTests.object(login)["access_token"]?.stringValue)
            let refresh = try #require(InProcessServiceTests.object(login)["refresh_token"]?.stringValue)
            for token in [access, refresh] {
                let header = try EncryptedToken(token).header
                #expect(header.algorithm == "dir" && header.encryption == "A256GCM" && header.isNested)
            }
            let bearer: HTTPFields = [.authorization: "Bearer \(access)"]
            #expect(InProcessServiceTests.object(try await client.execute(uri: "/api/protected", method: .get, headers: bearer)) == ["user": "1"])
            let gateway = try await client.execute(uri: "/auth/verify", method: .get, headers: bearer)
            #expect(gateway.status == .ok)
            #expect(gateway.headers[HTTPField.Name("X-Auth-Subject")!] == "1")
            let refreshed = try await client.execute(uri: "/auth/refresh", method: .post, headers: [.authorization: "Bearer \(refresh)"])
            #expect(refreshed.status == .ok)
            let next = try #require(InProcessServiceTests.object(refreshed)["access_token"]?.stringValue)
            #expect(try EncryptedToken(next).header.isNested)

            // The signed token inside, presented on its own, is refused: no downgrade.
            let inner = try JWEDecrypter(key: JWEKey.symmetric(secret)).decrypt(access)
            let plain = String(decoding: inner.plaintext, as: UTF8.self)
            let downgraded = try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(plain)"])
            #expect(downgraded.status == .unauthorized)
            #expect(InProcessServiceTests.object(downgraded)["error"] == "invalid_token")

            // The encryption key is never published.
            let jwks = InProcessServiceTests.object(try await client.execute(uri: "/.well-known/jwks.json", method: .get))
            let keys = try #require(jwks["keys"]?.arrayValue)
            #expect(keys.count == 1 && keys.allSatisfy { $0["use"] == "sig" && $0["k"] == nil })
        }
    }

    /// A rotated signing key signs inside the same encryption, and tokens of both keys keep working.
    @Test func aRotatedKeyStillEncrypts() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = [UInt8](repeating: 0x33, count: 32)
        let decrypter = try JWEDecrypter(key: JWEKey.symmetric(secret))
        let clock = SettableClock()
        let configuration = try Self.configuration(directory, key: secret)
        @Sendable func signedKeyID(_ token: String) throws -> String? {
            try UnverifiedToken(String(decoding: decrypter.decrypt(token).plaintext, as: UTF8.self)).header.keyID
        }
        try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            let before = try await KeyRotationTests.login(client)
            let newKeyID = try #require(try KeyDirectory(dataDirectory: directory).rotate(algorithm: .es256).keyID)
            clock.advance(by: .seconds(1))
            let after = try await KeyRotationTests.login(client)
            #expect(try EncryptedToken(after).header.isNested)
            #expect(try signedKeyID(after) == newKeyID)
            #expect(try signedKeyID(before) != newKeyID)
            #expect(try await KeyRotationTests.status(client, before) == .ok)
            #expect(try await KeyRotationTests.status(client, after) == .ok)
        }
    }

    /// The gateway's introspection and the web site's cookies take nested tokens as the API does: a cookie
    /// holds the encrypted token, implicit refresh issues another, and the signed token inside is refused.
    @Test func introspectionAndTheWebSiteTakeNestedTokens() async throws {
        let keys = InProcessServiceTests.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: keys, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: keys) }
        let secret = [UInt8](repeating: 0x7E, count: 32)
        try Data(secret).write(to: URL(fileURLWithPath: keys + "/encryption.key"))
        let decrypter = try JWEDecrypter(key: JWEKey.symmetric(secret))
        let clock = SettableClock()
        let settings = [
            "ENCRYPTION_KEY": keys + "/encryption.key",
            "INTROSPECTION_CLIENTS": "\(GatewayRoutesTests.client):\(GatewayRoutesTests.clientSecret)",
        ]
        try await WebSiteTests().withSite(settings, clock: clock) { client in
            try await WebSiteTests.register(client, "carol")
            var jar = CookieJar()
            #expect(try await WebSiteTests.signIn(client, &jar, "carol").status == .seeOther)
            let access = try #require(jar.cookies["access_token_cookie"])
            for name in ["access_token_cookie", "refresh_token_cookie"] {
                #expect(try EncryptedToken(#require(jar.cookies[name])).header.isNested, "\(name) holds a nested token")
            }
            #expect(WebSiteTests.html(try await WebSiteTests.home(client, &jar)).contains(#"<strong id="username">carol</strong>"#))

            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded", .authorization: GatewayRoutesTests.basic]
            func introspect(_ token: String) async throws -> [String: JSONValue] {
                let body = ByteBuffer(string: "token=" + token)
                return InProcessServiceTests.object(try await client.execute(uri: "/auth/introspect", method: .post, headers: form, body: body))
            }
            let active = try await introspect(access)
            #expect(active["active"] == true && active["sub"] == "1" && active["token_type"] == "access_token")
            let inner = String(decoding: try decrypter.decrypt(access).plaintext, as: UTF8.self)
            #expect(try await introspect(inner) == ["active": false], "the signed token inside is not a token of this service")

            // Past the access token's lifetime, the page is still served: implicit refresh from the nested
            // refresh cookie, and the new access cookie is nested too.
            clock.advance(by: .seconds(901))
            let home = try await WebSiteTests.home(client, &jar)
            #expect(home.status == .ok)
            let renewed = try #require(jar.cookies["access_token_cookie"])
            #expect(renewed != access)
            #expect(try EncryptedToken(renewed).header.isNested)
            #expect(WebSiteTests.html(home).contains(#"<strong id="username">carol</strong>"#))
        }
    }

    /// Turning the setting on or off ends every session in the stores, so that tokens of an earlier period with
    /// the same setting do not come back when it returns.
    @Test func turningEncryptionOnOrOffEndsEverySession() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let encrypted = try Self.configuration(directory, key: [UInt8](repeating: 0x21, count: 32))
        let plain = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4"])
        let credentials = ByteBuffer(string: #"{"username":"dora","password":"correct horse"}"#)
        @Sendable func login(_ client: some TestClientProtocol) async throws -> (access: String, refresh: String) {
            let response = try await client.execute(uri: "/auth/login", method: .post, headers: InProcessServiceTests.json, body: credentials)
            let body = InProcessServiceTests.object(response)
            return (try #require(body["access_token"]?.stringValue), try #require(body["refresh_token"]?.stringValue))
        }
        @Sendable func status(_ client: some TestClientProtocol, _ pair: (access: String, refresh: String)) async throws -> [HTTPResponse.Status] {
            [
                try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(pair.access)"]).status,
                try await client.execute(uri: "/auth/refresh", method: .post, headers: [.authorization: "Bearer \(pair.refresh)"]).status,
            ]
        }
        let firstPlain = try await AuthServer.buildApplication(plain).test(.router) { client in
            _ = try await client.execute(uri: "/auth/register", method: .post, headers: InProcessServiceTests.json, body: credentials)
            return try await login(client)
        }
        let firstNested = try await AuthServer.buildApplication(encrypted).test(.router) { client in
            #expect(try await status(client, firstPlain) == [.unauthorized, .unauthorized])
            return try await login(client)
        }
        // The same setting again: nothing ends.
        try await AuthServer.buildApplication(encrypted).test(.router) { client in
            let response = try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(firstNested.access)"])
            #expect(response.status == .ok)
        }
        try await AuthServer.buildApplication(plain).test(.router) { client in
            #expect(try await status(client, firstNested) == [.unauthorized, .unauthorized])
            // The plain tokens of the first period were ended when encryption was turned on: they stay dead.
            #expect(try await status(client, firstPlain) == [.unauthorized, .unauthorized])
            let fresh = try await login(client)
            #expect(try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(fresh.access)"]).status == .ok)
        }
        // Back on: the nested tokens of the second period stay dead.
        try await AuthServer.buildApplication(encrypted).test(.router) { client in
            let statuses = try await status(client, firstNested)
            #expect(statuses == [.unauthorized, .unauthorized])
        }
    }

    @Test(arguments: [16, 31, 33, 64])
    func aRawKeyMustBe32Bytes(count: Int) async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try Self.configuration(directory, key: [UInt8](repeating: 1, count: count))
        do {
            _ = try await AuthServer.buildApplication(configuration)
            Issue.record("a \(count)-byte key was accepted")
        } catch let error as ConfigurationError {
            #expect(error.setting == "JWT_AUTH_ENCRYPTION_KEY")
        }
    }

    @Test func aPublicKeyIsRefused() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let publicJWK = try #require(try JWEKey.generate(.ecdhESA256KW).publicJWK)
        let configuration = try Self.configuration(directory, key: JSONWriter.encode(.object(publicJWK)))
        do {
            _ = try await AuthServer.buildApplication(configuration)
            Issue.record("a public key was accepted")
        } catch let error as ConfigurationError {
            #expect(error.setting == "JWT_AUTH_ENCRYPTION_KEY")
            #expect(error.message.contains("public key"))
        }
    }
}
