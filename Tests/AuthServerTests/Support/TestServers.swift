import Foundation
import Testing

/// The PostgreSQL and Redis servers of the tests that need one, found through the variables
/// `scripts/postgres-test-server` and `scripts/redis-test-server` set (`scripts/test` runs both).
///
/// Without its server a suite is skipped, unless `JWT_AUTH_REQUIRE_SERVERS=1` (set by `scripts/test`): then
/// it runs and fails, saying what is missing.
enum TestServers {
    /// `JWT_AUTH_POSTGRES_URL`: a database the tests may create databases beside.
    static let postgres = "JWT_AUTH_POSTGRES_URL"
    /// `JWT_AUTH_TEST_REDIS_URL`: a Redis server without a database number.
    static let redis = "JWT_AUTH_TEST_REDIS_URL"

    static var isRequired: Bool { ProcessInfo.processInfo.environment["JWT_AUTH_REQUIRE_SERVERS"] == "1" }

    /// Whether the tests that need `variable` run: when it is set, or when servers are required.
    static func isEnabled(_ variable: String) -> Bool {
        value(variable) != nil || isRequired
    }

    /// The URL in `variable`, or a failure naming it.
    static func url(_ variable: String) throws -> String {
        try #require(value(variable), "\(variable) is not set: run the tests with scripts/test, which starts the servers")
    }

    private static func value(_ variable: String) -> String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }
}
