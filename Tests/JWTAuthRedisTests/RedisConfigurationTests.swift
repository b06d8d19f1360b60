import JWTAuthRedis
import NIOSSL
import Testing

@Suite struct RedisConfigurationTests {
    struct Expected: Sendable, CustomStringConvertible {
        var host: String
        var port = 6379
        var username: String? = nil
        var password: String? = nil
        var database = 0
        var description: String { "\(host):\(port)/\(database)" }
    }

    @Test(
        arguments: [
            ("redis://localhost", Expected(host: "localhost")),
            ("redis://127.0.0.1:6380", Expected(host: "127.0.0.1", port: 6380)),
            ("REDIS://cache.internal:7000/3", Expected(host: "cache.internal", port: 7000, database: 3)),
            ("redis://:s3cret@127.0.0.1/", Expected(host: "127.0.0.1", password: "s3cret")),
            ("redis://alice:pw@127.0.0.1:6379/15", Expected(host: "127.0.0.1", username: "alice", password: "pw", database: 15)),
            ("redis://alice:p%40ss%3Aw%2Fd@h", Expected(host: "h", username: "alice", password: "p@ss:w/d")),
            ("redis://:p@ss@h", Expected(host: "h", password: "p@ss")),
            ("redis://[::1]:6390/2", Expected(host: "::1", port: 6390, database: 2)),
            ("redis://[::1]", Expected(host: "::1")),
        ]
    )
    func readsURL(url: String, expected: Expected) throws {
        let configuration = try RedisConfiguration(url: url)
        #expect(configuration.host == expected.host)
        #expect(configuration.port == expected.port)
        #expect(configuration.username == expected.username)
        #expect(configuration.password == expected.password)
        #expect(configuration.database == expected.database)
        #expect(configuration.poolSize == 4)
        #expect(configuration.commandTimeout == .seconds(2))
    }

    @Test(
        arguments: [
            "", "http://localhost", "redis://", "redis://:6379", "redis://host:abc", "redis://host:0",
            "redis://host:70000", "redis://host:+80", "redis://host/abc", "redis://host/-1", "redis://host/+1", "redis://host/1/2",
            "redis://host?db=1", "redis://user@host", "redis://user:@host", "redis://:pw%zz@host", "redis://[::1", "redis://[::1]x",
            "rediss://", "rediss://host?x=1", "redis+sentinel://h1,h2", "redis+sentinel://h1,h2/", "redis+sentinel://h1,,h2/m",
            "redis+sentinel://h1:0/m", "redis+sentinel:///m", "redis+sentinel://h1/m/x", "redis+sentinel://h1/m/1/2",
            "redis+sentinel://h1/m?other=1", "redis+sentinel://h1/m?sentinel_password=", "redis+sentinel://h1/m?sentinel_username=u",
            "redis+sentinel://h1/m#f", "redis-sentinel://h1/m",
        ]
    )
    func refusesURL(url: String) {
        #expect(throws: RedisError.invalidURL) { try RedisConfiguration(url: url) }
    }

    @Test func readsRedissAsTLSWithTheSystemTrustStore() throws {
        let configuration = try RedisConfiguration(url: "rediss://alice:pw@cache.internal:6380/2")
        #expect(configuration.tls != nil)
        #expect(configuration.tls?.serverName == nil)
        #expect(configuration.tls?.configuration.minimumTLSVersion == .tlsv12)
        #expect(configuration.tls?.configuration.certificateVerification == .fullVerification)
        #expect((configuration.host, configuration.port, configuration.username, configuration.database) == ("cache.internal", 6380, "alice", 2))
        #expect(try RedisConfiguration(url: "redis://h").tls == nil)
    }

    @Test func readsASentinelURL() throws {
        let configuration = try RedisConfiguration(
            url: "rediss+sentinel://app:s%40cret@10.0.0.1:26380,sentinel-b,[::1]:26381/my-master/4?sentinel_password=p%26w"
        )
        let sentinel = try #require(configuration.sentinel)
        #expect(sentinel.nodes == [.init(host: "10.0.0.1", port: 26380), .init(host: "sentinel-b", port: 26379), .init(host: "::1", port: 26381)])
        #expect(sentinel.masterName == "my-master")
        #expect(sentinel.password == "p&w")
        #expect(sentinel.username == nil)
        #expect((configuration.username, configuration.password, configuration.database) == ("app", "s@cret", 4))
        #expect(configuration.tls != nil)
        #expect(configuration.description == "rediss+sentinel://app@10.0.0.1:26380,sentinel-b:26379,[::1]:26381/my-master/4")

        let plain = try RedisConfiguration(url: "redis+sentinel://h1:1,h2:2/mymaster/?sentinel_username=s&sentinel_password=t")
        #expect(plain.tls == nil)
        #expect(plain.database == 0)
        #expect((plain.sentinel?.username, plain.sentinel?.password) == ("s", "t"))
    }

    @Test func descriptionNeverShowsThePassword() throws {
        let configuration = try RedisConfiguration(url: "redis://alice:hunter2-secret@127.0.0.1:6380/1")
        #expect(configuration.description == "redis://alice@127.0.0.1:6380/1")
        let defaultUser = try RedisConfiguration(url: "redis://:hunter2-secret@127.0.0.1")
        #expect(!defaultUser.description.contains("hunter2"))
        let sentinel = try RedisConfiguration(url: "redis+sentinel://:hunter2-secret@h1/m?sentinel_password=hunter3-secret")
        #expect(!sentinel.description.contains("hunter"))
    }

    @Test func reconnectDelayDoublesUpToItsMaximum() {
        let configuration = RedisConfiguration(minimumReconnectDelay: .milliseconds(100), maximumReconnectDelay: .seconds(1))
        let delays = (0...6).map { configuration.reconnectDelay(afterFailures: $0) }
        #expect(delays == [.zero, .milliseconds(100), .milliseconds(200), .milliseconds(400), .milliseconds(800), .seconds(1), .seconds(1)])
        #expect(configuration.reconnectDelay(afterFailures: .max) == .seconds(1))
    }
}
