import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The PostgreSQL and Redis servers of the multi-instance tests.
///
/// `scripts/test` runs the tests through `scripts/postgres-test-server` (`JWT_AUTH_POSTGRES_URL`, and the
/// server's programs in `JWT_AUTH_TEST_POSTGRES_BIN`) with `scripts/redis-test-server`'s variables
/// (`JWT_AUTH_TEST_REDIS_URL`). Without them these tests are skipped, unless `JWT_AUTH_REQUIRE_SERVERS=1`,
/// when they fail saying what is missing.
enum TestStores {
    static let environment = ProcessInfo.processInfo.environment

    static var isRequired: Bool { environment["JWT_AUTH_REQUIRE_SERVERS"] == "1" }

    /// Whether the tests that need both servers run.
    static var bothAvailable: Bool {
        isRequired || (value("JWT_AUTH_POSTGRES_URL") != nil && value("JWT_AUTH_TEST_REDIS_URL") != nil)
    }

    /// The shared PostgreSQL database.
    static func postgresURL() throws -> String {
        try #require(
            value("JWT_AUTH_POSTGRES_URL"),
            "JWT_AUTH_POSTGRES_URL is not set: run the tests through scripts/postgres-test-server (scripts/test does)"
        )
    }

    /// Logical database `database` of the shared Redis (the other suites use 0, 1, 2 and 5).
    static func redisURL(database: Int) throws -> String {
        let base = try #require(
            value("JWT_AUTH_TEST_REDIS_URL"),
            "JWT_AUTH_TEST_REDIS_URL is not set: run the tests with scripts/redis-test-server's variables (scripts/test does)"
        )
        return "\(base)/\(database)"
    }

    /// The directory of PostgreSQL's programs (`initdb`, `pg_ctl`).
    static func postgresPrograms() throws -> String {
        if let bin = value("JWT_AUTH_TEST_POSTGRES_BIN") { return bin }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        let found = versions.sorted { $0.compare($1, options: .numeric) == .orderedAscending }
            .map { "/usr/lib/postgresql/\($0)/bin" }
            .last { FileManager.default.isExecutableFile(atPath: "\($0)/initdb") }
        return try #require(found, "PostgreSQL's programs are not installed: run scripts/postgres-test-server once (it installs them)")
    }

    /// `redis-server` on the path.
    static func redisServer() throws -> String {
        let path = (value("PATH") ?? "/usr/bin:/usr/local/bin").split(separator: ":").map { "\($0)/redis-server" }
        return try #require(
            path.first { FileManager.default.isExecutableFile(atPath: $0) },
            "redis-server is not installed: run scripts/redis-test-server start once (it installs it)"
        )
    }

    private static func value(_ name: String) -> String? {
        environment[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// A loopback port nothing listens on now (the system picks it; another process could take it later).
    static func freePort() throws -> Int {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        try #require(bound, "cannot bind a loopback port")
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// Whether something accepts TCP connections on the loopback `port`.
    static func isListening(_ port: Int) -> Bool {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { return false }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
