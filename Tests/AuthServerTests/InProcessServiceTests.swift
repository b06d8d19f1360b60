import AuthServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import Testing

/// The service built in-process, its routes driven through the router.
@Suite struct InProcessServiceTests {
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "jwt-auth-test-\(UUID().uuidString)"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static let json: HTTPFields = [.contentType: "application/json"]

    static func object(_ response: TestResponse) -> [String: JSONValue] {
        (try? JSONParser().parseObject(response.body.readableBytesView)) ?? [:]
    }

    @Test func defaultConfigurationGeneratesAPersistentES256Key() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4"])
        let firstJWKS = try await AuthServer.buildApplication(configuration).test(.router) { client in
            Self.object(try await client.execute(uri: "/.well-known/jwks.json", method: .get))
        }
        do {
            let keys = try #require(firstJWKS["keys"]?.arrayValue)
            #expect(keys.count == 1)
            #expect(keys[0]["alg"] == "ES256")
            #expect(keys[0]["use"] == "sig")
            #expect(keys[0]["d"] == nil)
            #expect(keys[0]["kid"] != nil)
        }
        let keyDirectory = directory + "/keys"
        let attributes = try FileManager.default.attributesOfItem(atPath: keyDirectory)
        #expect((attributes[.posixPermissions] as? Int) == 0o700)
        let pem = try #require(try FileManager.default.contentsOfDirectory(atPath: keyDirectory).first { $0.hasSuffix(".pem") })
        #expect((try FileManager.default.attributesOfItem(atPath: keyDirectory + "/" + pem)[.posixPermissions] as? Int) == 0o600)
        let secondJWKS = try await AuthServer.buildApplication(configuration).test(.router) { client in
            Self.object(try await client.execute(uri: "/.well-known/jwks.json", method: .get))
        }
        #expect(secondJWKS == firstJWKS)
    }

    /// A data directory that does not exist yet is created private to the service's user, as are the
    /// key directory and the database file inside it.
    @Test func aNewDataDirectoryIsPrivate() async throws {
        let parent = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let directory = parent + "/data"
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4"])
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .ok)
        }
        for path in [directory, directory + "/keys"] {
            #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o700, "\(path)")
        }
        let database = try #require(try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(".sqlite") })
        let mode = try FileManager.default.attributesOfItem(atPath: directory + "/" + database)[.posixPermissions] as? Int
        #expect(mode.map { $0 & 0o077 } == 0)
    }

    @Test func registerLoginCallRefreshLogout() async throws {
        let directory = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4"])
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            let credentials = ByteBuffer(string: #"{"username":"alice","password":"correct horse"}"#)
            let registered = try await client.execute(uri: "/auth/register", method: .post, headers: Self.json, body: credentials)
            #expect(registered.status == .created)
            let login = try await client.execute(uri: "/auth/login", method: .post, headers: Self.json, body: credentials)
            #expect(login.status == .ok)
            let access = try #require(Self.object(login)["access_token"]?.stringValue)
            let protected = try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(Self.object(protected) == ["user": "1"])
            let optional = try await client.execute(uri: "/api/optional", method: .get)
            #expect(Self.object(optional) == ["user": .null])
            let admin = try await client.execute(uri: "/api/admin", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(admin.status == .forbidden)
            let logout = try await client.execute(uri: "/auth/logout", method: .post, headers: [.authorization: "Bearer \(access)"])
            #expect(logout.status == .noContent)
            let after = try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(access)"])
            #expect(Self.object(after)["error"] == "token_revoked")
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(Self.object(health) == ["status": "ok", "stores": ["database": "ok"]])
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(String(buffer: metrics.body).contains("jwt_auth_tokens_verified_total"))
            let wrongMethod = try await client.execute(uri: "/api/protected", method: .post)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(Self.object(wrongMethod)["error"] == "method_not_allowed")
        }
    }

    @Test(arguments: [
        (["ACCESS_TTL": "soon"], "JWT_AUTH_ACCESS_TTL"),
        (["PORT": "70000"], "JWT_AUTH_PORT"),
        (["SECRET": "s3cr3tXYZ"], "JWT_AUTH_SECRET"),
        (["ALGORITHM": "none"], "JWT_AUTH_ALGORITHM"),
        (["TOKEN_LOCATION": "headers,carrier-pigeon"], "JWT_AUTH_TOKEN_LOCATION"),
        (["BCRYPT_COST": "3"], "JWT_AUTH_BCRYPT_COST"),
        (["REGISTRATION": "maybe"], "JWT_AUTH_REGISTRATION"),
    ])
    func badSettingsNameTheSetting(settings: [String: String], setting: String) async throws {
        var settings = settings
        settings["DATA_DIR"] = Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: settings["DATA_DIR"]!) }
        do {
            _ = try await AuthServer.buildApplication(try AuthServerConfiguration(settings: settings))
            Issue.record("the setting was accepted")
        } catch let error as ConfigurationError {
            #expect(error.setting == setting)
            #expect(!error.description.contains("s3cr3tXYZ"), "a secret must never be echoed")
        }
    }
}
