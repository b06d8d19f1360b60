import Foundation
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
        let running = try ChildProcess.start(executable, arguments, captureDirectory: FileManager.default.temporaryDirectory.path)
        defer {
            unlink(running.standardOutputPath)
            unlink(running.standardErrorPath)
        }
        let status = await running.wait(timeout: .seconds(60))
        guard status == 0 else {
            if status == nil { running.send(SIGKILL) }
            let output = String(decoding: running.standardOutput() + running.standardError(), as: UTF8.self)
            let name = URL(filePath: executable).lastPathComponent
            throw LiveServerError("\(name) failed (\(status.map(String.init) ?? "timeout")): \(output.suffix(500))")
        }
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
            if try tryBinding(port) != nil { return port }
        }
        return try #require(try tryBinding(0), "cannot bind a loopback port")
    }

    /// Binds a socket to the loopback `port` (0: the system picks one) and closes it; nil when it is taken.
    private static func tryBinding(_ port: Int) throws -> Int? {
        let socket = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try #require(socket >= 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(socket, socketAddress, length) == 0 && getsockname(socket, socketAddress, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
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
