import AuthServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthRedis
import Testing

/// The service with a `rediss://` and a `redis+sentinel://` blocklist (scripts/redis-test-server's TLS server
/// and Sentinel group), and the settings that go with TLS.
struct RedisTLSServiceTests {
    typealias Service = InProcessServiceTests
    static let tls = "JWT_AUTH_TEST_REDISS_URL"
    static let tlsNamed = "JWT_AUTH_TEST_REDISS_NAMED_URL"
    static let caFile = "JWT_AUTH_TEST_REDIS_CA_FILE"
    static let sentinel = "JWT_AUTH_TEST_REDIS_SENTINEL_URL"
    static let aclUser = "jwt-auth-tester:jwt-auth-test-user-password@"

    /// The URL in `variable` with `userInfo` (by default the ACL user), on `database`.
    func url(_ variable: String, userInfo: String = aclUser, database: Int) throws -> String {
        let url = try TestServers.url(variable)
        let scheme = try #require(url.firstRange(of: "://"))
        let (base, query) = url.firstIndex(of: "?").map { (url[..<$0], url[$0...]) } ?? (url[...], "")
        return String(base[..<scheme.upperBound]) + userInfo + String(base[scheme.upperBound...]) + "/\(database)" + query
    }

    /// Logs in, checks the token on /api/protected, logs out, and checks that it is revoked: through Redis.
    func revokesThroughRedis(_ settings: [String: String]) async throws {
        let directory = Service.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = settings
        settings["DATA_DIR"] = directory
        settings["BCRYPT_COST"] = "4"
        let configuration = try AuthServerConfiguration(settings: settings)
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            let credentials = ByteBuffer(string: #"{"username":"tls-user","password":"correct horse"}"#)
            _ = try await client.execute(uri: "/auth/register", method: .post, headers: Service.json, body: credentials)
            let login = try await client.execute(uri: "/auth/login", method: .post, headers: Service.json, body: credentials)
            let access = try #require(Service.object(login)["access_token"]?.stringValue)
            let bearer: HTTPFields = [.authorization: "Bearer \(access)"]
            #expect(try await client.execute(uri: "/api/protected", method: .get, headers: bearer).status == .ok)
            #expect(try await client.execute(uri: "/auth/logout", method: .post, headers: bearer).status == .noContent)
            let revoked = try await client.execute(uri: "/api/protected", method: .get, headers: bearer)
            #expect(Service.object(revoked)["error"] == "token_revoked")
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(Service.object(health) == ["status": "ok", "stores": ["database": "ok", "blocklist": "ok"]])
        }
    }

    @Test(.enabled(if: TestServers.isEnabled(tls)))
    func aRedissBlocklistWithTheCAFileWorks() async throws {
        try await revokesThroughRedis(["BLOCKLIST_URL": try url(Self.tls, database: 6), "REDIS_CA_FILE": try TestServers.url(Self.caFile)])
    }

    /// By IP address to a server whose certificate names only `redis.test`.
    @Test(.enabled(if: TestServers.isEnabled(tlsNamed)))
    func aRedissBlocklistVerifiesTheServerName() async throws {
        try await revokesThroughRedis([
            "BLOCKLIST_URL": try url(Self.tlsNamed, userInfo: "", database: 7), "REDIS_CA_FILE": try TestServers.url(Self.caFile),
            "REDIS_SERVER_NAME": "redis.test",
        ])
    }

    @Test(.enabled(if: TestServers.isEnabled(sentinel)))
    func aSentinelBlocklistWorks() async throws {
        try await revokesThroughRedis(["BLOCKLIST_URL": try url(Self.sentinel, database: 6)])
    }

    @Test(arguments: [("REDIS_CA_FILE", "/etc/ssl/certs/ca-certificates.crt"), ("REDIS_SERVER_NAME", "redis.internal")])
    func aTLSSettingWithoutARedissURLNamesTheSetting(setting: String, value: String) async throws {
        for blocklist in ["redis://127.0.0.1:1", "redis+sentinel://127.0.0.1:1/m", "database"] {
            let error = #expect(throws: ConfigurationError.self) {
                try AuthServerConfiguration(settings: ["BLOCKLIST_URL": blocklist, setting: value])
            }
            #expect(error?.setting == "JWT_AUTH_\(setting)")
        }
        // Set in code rather than by the settings: start-up refuses it.
        let directory = Service.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var configuration = AuthServerConfiguration(dataDirectory: directory, blocklist: .redis(url: "redis://127.0.0.1:1"))
        if setting == "REDIS_CA_FILE" { configuration.redisCAFile = value } else { configuration.redisServerName = value }
        let error = await #expect(throws: ConfigurationError.self) { try await AuthServer.buildApplication(configuration) }
        #expect(error?.setting == "JWT_AUTH_\(setting)")
    }

    @Test func aCAFileThatCannotBeReadStopsStartUpNamingIt() async throws {
        let directory = Service.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: [
            "DATA_DIR": directory, "BLOCKLIST_URL": "rediss://127.0.0.1:1", "REDIS_CA_FILE": directory + "/no-such-ca.pem",
        ])
        let error = await #expect(throws: ConfigurationError.self) { try await AuthServer.buildApplication(configuration) }
        #expect(error?.setting == "JWT_AUTH_REDIS_CA_FILE")
    }

    @Test(arguments: ["10.0.0.1", "::1"])
    func anIPAddressIsNotAServerName(name: String) {
        let error = #expect(throws: ConfigurationError.self) {
            try AuthServerConfiguration(settings: ["BLOCKLIST_URL": "rediss://10.0.0.1", "REDIS_SERVER_NAME": name])
        }
        #expect(error?.setting == "JWT_AUTH_REDIS_SERVER_NAME")
    }

    @Test(arguments: ["rediss://:pw@cache:6380/2", "redis+sentinel://s1,s2:26380/mymaster", "rediss+sentinel://s1/m/1?sentinel_password=x"])
    func redisURLsSelectRedis(url: String) throws {
        #expect(try AuthServerConfiguration(settings: ["BLOCKLIST_URL": url]).blocklist == .redis(url: url))
    }
}
