import JWTAuthRedis
import NIOSSL
import Testing

/// `rediss://` against a real redis-server with TLS only (`--port 0 --tls-port`), whose certificate (for
/// 127.0.0.1 and localhost) is signed by a CA of the test run's own.
@Suite(.enabled(if: RedisTestServers.enabled(RedisTestServers.tls)))
struct RedisTLSTests {
    /// The TLS server's configuration with `userInfo`, trusting `tls` (by default the test CA).
    func configuration(userInfo: String = RedisTestServers.aclUser, tls: RedisTLS? = nil) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: RedisTestServers.url(RedisTestServers.tls, userInfo: userInfo))
        configuration.tls = try tls ?? RedisTLS(caFile: RedisTestServers.url(RedisTestServers.caFile))
        configuration.poolSize = 1
        configuration.commandTimeout = .seconds(15)
        configuration.connectTimeout = .seconds(15)
        return configuration
    }

    @Test(arguments: [RedisTestServers.aclUser, ":jwt-auth-test-password@"])
    func connectsWithTheCAFileAsTheACLUserOrTheDefaultUser(userInfo: String) async throws {
        let client = RedisClient(configuration: try configuration(userInfo: userInfo))
        let key = RedisTestServers.uniquePrefix() + "tls"
        _ = try await client.send("SET", key, "over TLS")
        #expect(try await client.send("GET", key).string == "over TLS")
        let user = try await client.send("ACL", "WHOAMI").string
        #expect(user == (userInfo == RedisTestServers.aclUser ? "jwt-auth-tester" : "default"))
        await client.close()
    }

    @Test func trustsCertificatesGivenInMemory() async throws {
        let certificates = try NIOSSLCertificate.fromPEMFile(RedisTestServers.url(RedisTestServers.caFile))
        let client = RedisClient(configuration: try configuration(tls: RedisTLS(trustedCertificates: certificates)))
        #expect(try await client.send("PING") == .simpleString("PONG"))
        await client.close()
    }

    /// The server whose certificate names only `redis.test`, reached by IP address, verifying `serverName`.
    func named(serverName: String?) throws -> RedisClient {
        var configuration = try RedisConfiguration(url: RedisTestServers.url(RedisTestServers.tlsNamed))
        configuration.tls = try RedisTLS(caFile: RedisTestServers.url(RedisTestServers.caFile), serverName: serverName)
        configuration.poolSize = 1
        configuration.connectTimeout = .seconds(15)
        configuration.commandTimeout = .seconds(15)
        return RedisClient(configuration: configuration)
    }

    @Test func aServerReachedByAddressIsVerifiedByTheServerName() async throws {
        let client = try named(serverName: "redis.test")
        #expect(try await client.send("PING") == .simpleString("PONG"))
        await client.close()
    }

    @Test(arguments: [nil, "wrong.test", "localhost"])
    func aServerWhoseCertificateIsNotForTheNameIsRefused(serverName: String?) async throws {
        let client = try named(serverName: serverName)
        let error = await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        let expected = "not for \(serverName ?? "the address connected to")"
        #expect(error?.message.contains(expected) == true, "\(String(describing: error))")
        await client.close()
    }

    @Test func aServerWhoseCAIsNotTrustedIsRefusedWithAClearError() async throws {
        // The system's trust store, which does not hold the test CA.
        let client = RedisClient(configuration: try configuration(tls: RedisTLS()))
        let error = await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        #expect(error?.message.contains("not signed by a trusted CA") == true, "\(String(describing: error))")
        await client.close()
    }

    @Test func aCAFileThatCannotBeReadFailsEveryConnection() async throws {
        let client = RedisClient(configuration: try configuration(tls: RedisTLS(caFile: "/nonexistent/ca.pem")))
        await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        #expect(throws: RedisError.connectionFailed) { try RedisTLS(caFile: "/nonexistent/ca.pem").makeContext() }
        await client.close()
    }

    @Test func plainTCPToTheTLSPortFailsRatherThanHangs() async throws {
        var configuration = try configuration()
        configuration.tls = nil
        configuration.commandTimeout = .seconds(2)
        let client = RedisClient(configuration: configuration)
        await #expect(throws: RedisError.self) { try await client.send("PING") }
        await client.close()
    }
}

/// TLS against servers that are not TLS servers.
@Suite struct RedisTLSFailureTests {
    @Test func aServerThatNeverAnswersTheHandshakeTimesOut() async throws {
        let server = try await FakeRedisServer { _, _ in nil }
        let client = RedisClient(
            configuration: RedisConfiguration(port: server.port, tls: RedisTLS(), poolSize: 1, connectTimeout: .seconds(1))
        )
        let error = await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        #expect(error?.message.contains("no TLS handshake within the connect timeout") == true, "\(String(describing: error))")
        await client.close()
        try await server.close()
    }

    @Test func aPlainRedisReplyToTheHandshakeFailsTheConnection() async throws {
        let server = try await FakeRedisServer { _, _ in "-ERR unknown command\r\n" }
        let client = RedisClient(configuration: RedisConfiguration(port: server.port, tls: RedisTLS(), poolSize: 1))
        await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        await client.close()
        try await server.close()
    }
}
