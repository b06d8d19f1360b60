import Foundation
import JWTAuthTestSupport
import JWTAuthTesting
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

    /// Runs `body` with the URL of a database of its own on the shared PostgreSQL server (everything on one
    /// database shares its signing keys table), created with `psql` and dropped when `body` ends.
    static func withOwnDatabase<T>(_ body: (String) async throws -> T) async throws -> T {
        let base = try postgresURL()
        let name = "jwt_auth_e2e_\(UInt64.random(in: 0...UInt64.max))"
        let (path, query) = base.firstIndex(of: "?").map { (base[..<$0], base[$0...]) } ?? (base[...], "")
        let slash = try #require(path.lastIndex(of: "/"), "JWT_AUTH_POSTGRES_URL names no database")
        try await psql(base, "CREATE DATABASE \(name)")
        do {
            let result = try await body(String(path[...slash]) + name + String(query))
            try? await psql(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            return result
        } catch {
            try? await psql(base, "DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
            throw error
        }
    }

    /// Runs one SQL command with `psql` on the database at `url`.
    private static func psql(_ url: String, _ command: String) async throws {
        try await run("\(try postgresPrograms())/psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-c", command])
    }

    /// Logical database `database` of the shared Redis, emptied (`FLUSHDB` with `redis-cli`): what an earlier
    /// run left there (user cutoffs are keyed by user id, and a database of a test's own numbers its users
    /// from 1) must not reach this one.
    static func emptyRedisURL(database: Int) async throws -> String {
        let url = try redisURL(database: database)
        let server = try redisServer()
        let client = URL(filePath: server).deletingLastPathComponent().appending(path: "redis-cli").path
        try await run(client, ["-u", url, "FLUSHDB"])
        return url
    }

    /// Runs `executable` to its end; throws with its output when it fails.
    private static func run(_ executable: String, _ arguments: [String]) async throws {
        try await ChildProcess.runToSuccess(
            executable,
            arguments,
            captureDirectory: FileManager.default.temporaryDirectory.path,
            timeout: .seconds(60)
        )
    }

    /// Logical database `database` of the shared Redis (the other suites use 0, 1, 2 and 5; SeveralInstancesTests 7 to 10).
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

    /// A loopback port nothing uses now, below the system's range of ephemeral ports: a server stopped and
    /// started again on it must find it free, and the load's many outgoing connections take their local
    /// ports from that range (another process could still take it meanwhile, by choosing it).
    static func freePort() throws -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8))?
            .split(whereSeparator: \.isWhitespace).compactMap { Int($0) }
        let ephemeralStart = range?.first ?? 32768
        let candidates = ephemeralStart > 12000 ? 10000..<ephemeralStart : 1025..<10000
        for _ in 0..<100 {
            let port = Int.random(in: candidates)
            if LoopbackPort.bind(port) != nil { return port }
        }
        return try #require(LoopbackPort.bind(0), "cannot bind a loopback port")
    }
}
