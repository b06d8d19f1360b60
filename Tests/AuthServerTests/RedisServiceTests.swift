import AuthServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthRedis
import Testing

/// The service with `BLOCKLIST_URL=redis://…` against the redis-server of scripts/redis-test-server
/// (`JWT_AUTH_TEST_REDIS_URL`); skipped without it unless `JWT_AUTH_REQUIRE_SERVERS=1`.
@Suite(
    .enabled(
        if: TestServers.isEnabled(TestServers.redis),
        "JWT_AUTH_TEST_REDIS_URL is not set"
    )
)
struct RedisServiceTests {
    typealias Service = InProcessServiceTests

    /// The test server's URL on `database`, emptied: each test has its own database.
    func redisURL(database: Int) async throws -> String {
        let base = try TestServers.url(TestServers.redis)
        let url = "\(base)/\(database)"
        let client = try RedisClient(url: url)
        _ = try await client.send("FLUSHDB")
        await client.close()
        return url
    }

    func login(_ client: some TestClientProtocol, register: Bool) async throws -> (access: String, refresh: String) {
        let credentials = ByteBuffer(string: #"{"username":"alice","password":"correct horse"}"#)
        if register {
            let registered = try await client.execute(uri: "/auth/register", method: .post, headers: Service.json, body: credentials)
            #expect(registered.status == .created)
        }
        let login = try await client.execute(uri: "/auth/login", method: .post, headers: Service.json, body: credentials)
        let body = Service.object(login)
        return (try #require(body["access_token"]?.stringValue), try #require(body["refresh_token"]?.stringValue))
    }

    func get(_ client: some TestClientProtocol, _ uri: String, token: String) async throws -> TestResponse {
        try await client.execute(uri: uri, method: .get, headers: [.authorization: "Bearer \(token)"])
    }

    @Test func aRevocationOnOneInstanceIsSeenByAnotherOnItsNextRequest() async throws {
        let directory = Service.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let url = try await redisURL(database: 1)
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4", "BLOCKLIST_URL": url])
        let instanceA = try await AuthServer.buildApplication(configuration)
        let instanceB = try await AuthServer.buildApplication(configuration)
        try await instanceA.test(.router) { a in
            try await instanceB.test(.router) { b in
                let tokens = try await login(a, register: true)
                #expect(try await get(b, "/api/protected", token: tokens.access).status == .ok)
                let logout = try await a.execute(uri: "/auth/logout", method: .post, headers: [.authorization: "Bearer \(tokens.access)"])
                #expect(logout.status == .noContent)
                #expect(Service.object(try await get(b, "/api/protected", token: tokens.access))["error"] == "token_revoked")

                // logout-all on B kills A's other session, by the cutoff in Redis.
                let second = try await login(a, register: false)
                #expect(try await get(a, "/api/protected", token: second.access).status == .ok)
                let third = try await login(b, register: false)
                let all = try await b.execute(uri: "/auth/logout-all", method: .post, headers: [.authorization: "Bearer \(third.access)"])
                #expect(all.status == .noContent)
                #expect(Service.object(try await get(a, "/api/protected", token: second.access))["error"] == "token_revoked")

                let health = try await b.execute(uri: "/health", method: .get)
                #expect(Service.object(health) == ["status": "ok", "stores": ["database": "ok", "blocklist": "ok"]])
            }
        }
    }

    @Test func aRedisThatLostItsDataIsRefilledFromTheDatabase() async throws {
        let directory = Service.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let url = try await redisURL(database: 2)
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4", "BLOCKLIST_URL": url])
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            let tokens = try await login(client, register: true)
            let logout = try await client.execute(uri: "/auth/logout", method: .post, headers: [.authorization: "Bearer \(tokens.access)"])
            #expect(logout.status == .noContent)
            let redis = try RedisClient(url: url)
            _ = try await redis.send("FLUSHDB")  // what a restart without persistence leaves
            #expect(Service.object(try await get(client, "/api/protected", token: tokens.access))["error"] == "token_revoked")
            #expect(try await redis.send("EXISTS", "jwt:filled") == .integer(1))
            await redis.close()
            let fresh = try await login(client, register: false)
            #expect(try await get(client, "/api/protected", token: fresh.access).status == .ok)
        }
    }

    @Test func aRedisThatIsDownFailsProtectedRoutesClosedAndShowsInHealth() async throws {
        let directory = Service.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Port 1 on loopback: nothing listens, the connection is refused at once. Throttling off: with it on, the
        // login and registration would be refused too, their attempts being counted in Redis
        // (`HealthProbeTests.loginFailsClosedWhileTheThrottlesRedisIsDown`).
        let configuration = try AuthServerConfiguration(settings: [
            "DATA_DIR": directory, "BCRYPT_COST": "4", "BLOCKLIST_URL": "redis://127.0.0.1:1", "LOGIN_ATTEMPTS": "0", "REGISTER_ATTEMPTS": "0",
        ])
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            let tokens = try await login(client, register: true)
            for uri in ["/api/protected", "/auth/me", "/api/optional"] {
                let response = try await get(client, uri, token: tokens.access)
                #expect(response.status == .serviceUnavailable, "\(uri)")
                #expect(Service.object(response)["error"] == "unavailable", "\(uri)")
            }
            let refresh = try await client.execute(uri: "/auth/refresh", method: .post, headers: [.authorization: "Bearer \(tokens.refresh)"])
            #expect(refresh.status == .serviceUnavailable)
            let health = try await client.execute(uri: "/health", method: .get)
            #expect(health.status == .serviceUnavailable)
            #expect(Service.object(health) == ["status": "unavailable", "stores": ["database": "ok", "blocklist": "down"]])
        }
    }

    @Test(arguments: ["redis://", "redis://host:99999", "redis://h/x", "rediss://h?x=1", "redis://:@h", "redis+sentinel://h1,h2", "redi://h"])
    func aBadRedisURLNamesTheSetting(url: String) throws {
        let error = #expect(throws: ConfigurationError.self) {
            try AuthServerConfiguration(settings: ["DATA_DIR": "/nonexistent", "BLOCKLIST_URL": url])
        }
        #expect(error?.setting == "JWT_AUTH_BLOCKLIST_URL")
    }

    @Test func aRedisURLSelectsRedis() throws {
        let configuration = try AuthServerConfiguration(settings: ["BLOCKLIST_URL": "redis://:pw@cache:6380/2"])
        #expect(configuration.blocklist == .redis(url: "redis://:pw@cache:6380/2"))
    }
}
