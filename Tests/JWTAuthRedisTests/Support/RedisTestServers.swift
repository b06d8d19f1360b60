import Foundation
import JWTAuthRedis
import Testing

/// The Redis servers `scripts/redis-test-server` starts, found through environment variables.
///
/// Without them the tests that need a server are skipped, unless `JWT_AUTH_REQUIRE_SERVERS=1` (set by
/// `scripts/test`): then they run and fail, saying what is missing.
enum RedisTestServers {
    /// A plain server: `JWT_AUTH_TEST_REDIS_URL`.
    static let plain = "JWT_AUTH_TEST_REDIS_URL"
    /// A server with `requirepass` and an ACL user: `JWT_AUTH_TEST_REDIS_AUTH_URL`.
    static let withPassword = "JWT_AUTH_TEST_REDIS_AUTH_URL"
    /// A server started again 2 s after it stops: `JWT_AUTH_TEST_REDIS_RESTARTABLE_URL`.
    static let restartable = "JWT_AUTH_TEST_REDIS_RESTARTABLE_URL"
    /// A TLS-only server with the same password and ACL user as ``withPassword``: `JWT_AUTH_TEST_REDISS_URL`.
    static let tls = "JWT_AUTH_TEST_REDISS_URL"
    /// A TLS-only server without a password whose certificate names only `redis.test` (no IP address):
    /// `JWT_AUTH_TEST_REDISS_NAMED_URL`.
    static let tlsNamed = "JWT_AUTH_TEST_REDISS_NAMED_URL"
    /// The CA (PEM) that signed the TLS servers' certificates: `JWT_AUTH_TEST_REDIS_CA_FILE`.
    static let caFile = "JWT_AUTH_TEST_REDIS_CA_FILE"
    /// A master, a replica and three sentinels, the data nodes with the password and ACL user of
    /// ``withPassword``: `JWT_AUTH_TEST_REDIS_SENTINEL_URL`. Never failed over.
    static let sentinel = "JWT_AUTH_TEST_REDIS_SENTINEL_URL"

    /// Whether tests that need `variable` run: when it is set, or when servers are required.
    static func enabled(_ variable: String = plain) -> Bool {
        let environment = ProcessInfo.processInfo.environment
        return environment[variable] != nil || environment["JWT_AUTH_REQUIRE_SERVERS"] == "1"
    }

    /// The URL in `variable`, or a failure naming it.
    static func url(_ variable: String = plain) throws -> String {
        try #require(
            ProcessInfo.processInfo.environment[variable],
            "\(variable) is not set: run the tests with scripts/test, or start scripts/redis-test-server"
        )
    }

    /// The configuration of the server in `variable`, with short timeouts so that failures show quickly.
    static func configuration(_ variable: String = plain, poolSize: Int = 2) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: url(variable))
        configuration.poolSize = poolSize
        // The whole suite runs in parallel on two cores: give slow moments room. Tests of timeouts set their own.
        configuration.commandTimeout = .seconds(15)
        configuration.connectTimeout = .seconds(15)
        return configuration
    }

    /// The URL in `variable` with `userInfo` (`user:password@`) after its scheme.
    static func url(_ variable: String, userInfo: String) throws -> String {
        let url = try url(variable)
        let scheme = try #require(url.firstRange(of: "://"))
        return String(url[..<scheme.upperBound]) + userInfo + String(url[scheme.upperBound...])
    }

    /// The ACL user of the servers with a password, as a URL's user information.
    static let aclUser = "jwt-auth-tester:jwt-auth-test-user-password@"

    /// A key prefix no other test uses.
    static func uniquePrefix() -> String { "test-\(UInt64.random(in: 0...UInt64.max)):" }
}
