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

/// A PostgreSQL server of one test's own (initdb in a temporary directory, loopback, a free port), which
/// the test stops and starts again on the same data: PostgreSQL's programs run as the `postgres` user when
/// the tests run as root, since PostgreSQL refuses to run as root.
final class PrivatePostgres: Sendable {
    let port: Int
    /// The `postgres` database as the superuser `jwtauth` (trust authentication, loopback only).
    let url: String
    private let directory: URL
    private let programs: String

    private init() throws {
        programs = try TestStores.postgresPrograms()
        port = try TestStores.freePort()
        url = "postgres://jwtauth@127.0.0.1:\(port)/postgres?sslmode=disable"
        directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-private-postgres-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if getuid() == 0 {
            let user = try #require(getpwnam("postgres"), "the postgres user is missing (install postgresql)")
            try #require(chown(directory.path, user.pointee.pw_uid, user.pointee.pw_gid) == 0)
        }
    }

    /// Creates and starts a server, runs `body`, then stops it and removes its directory, also when `body` throws.
    static func with<T>(_ body: (PrivatePostgres) async throws -> T) async throws -> T {
        let server = try PrivatePostgres()
        defer { try? FileManager.default.removeItem(at: server.directory) }
        do {
            try await server.run("initdb", ["-D", server.data, "-U", "jwtauth", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"])
            try await server.start()
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private var data: String { directory.appending(path: "data").path }

    /// Starts the server on ``port`` and waits until it accepts connections.
    func start() async throws {
        let options = "-p \(port) -k \(directory.path) -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off"
        let log = directory.appending(path: "server.log")
        do {
            try await run("pg_ctl", ["-D", data, "-l", log.path, "-w", "-t", "60", "-o", options, "start"])
        } catch {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            throw LiveServerError("\(error); the server's log ends: \(text.suffix(1500))")
        }
    }

    /// How ``stop(_:)`` stops the server (`pg_ctl -m`).
    enum StopMode: String, Sendable, CaseIterable {
        /// Connections are ended with an error, the server checkpoints and exits.
        case fast
        /// At once, no checkpoint, connections cut, as in a crash: committed transactions come back from
        /// the write-ahead log at the next start.
        case immediate
    }

    /// Stops the server (by default `-m immediate`) and waits until it has ended.
    func stop(_ mode: StopMode = .immediate) async {
        guard FileManager.default.fileExists(atPath: "\(data)/postmaster.pid") else { return }
        try? await run("pg_ctl", ["-D", data, "-m", mode.rawValue, "-w", "stop"])
    }

    /// Runs one of PostgreSQL's programs to its end; throws with its output when it fails.
    private func run(_ program: String, _ arguments: [String]) async throws {
        var words = ["\(programs)/\(program)"] + arguments
        if getuid() == 0 { words = ["/usr/sbin/runuser", "-u", "postgres", "--"] + words }
        do {
            try await ChildProcess.runToSuccess(
                words[0],
                Array(words.dropFirst()),
                directory: "/",
                captureDirectory: directory.path,
                timeout: .seconds(90)
            )
        } catch let failure as ChildProcess.Failure {
            // Named by the PostgreSQL program, not by runuser in front of it.
            throw LiveServerError("\(program): \(failure.description)")
        }
    }
}
