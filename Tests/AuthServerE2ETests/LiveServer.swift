import Foundation
import JWTAuthTestSupport
import JWTAuthTesting
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A `jwt-auth serve` process of the built executable, listening on a free loopback port, in a
/// temporary working directory of its own (so `./data` starts empty).
///
/// Use ``with(_:environment:bcryptCost:_:)``: it stops the server (SIGTERM, then SIGKILL) and removes
/// the directory whatever the test does. ``restart()`` starts a new process on the same directory.
final class LiveServer: Sendable {
    /// How a process ended.
    struct Exit: Sendable, Equatable, CustomStringConvertible {
        let status: Int32
        let isSignal: Bool
        var description: String { isSignal ? "signal \(status)" : "exit \(status)" }
    }

    /// The arguments after `serve`.
    let arguments: [String]
    /// Environment variables set for the server (every inherited `JWT_AUTH_*` is removed).
    let environment: [String: String]
    /// The working directory of the server and of ``command(_:input:)``.
    let directory: URL
    private let root: URL
    private let state = Mutex(State())

    private struct State {
        var process: RunningProcess?
        var port = 0
        var generation = 0
        /// The standard output and error files of each generation of the process.
        var logs: [Int: (output: String, errors: String)] = [:]
    }

    /// The port of the running process.
    var port: Int { state.withLock { $0.port } }
    /// The process id of the running process.
    var pid: Int32? { state.withLock { $0.process?.pid } }

    private init(arguments: [String], environment: [String: String]) throws {
        root = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-\(UUID().uuidString)")
        directory = root.appending(path: "work")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appending(path: "logs"), withIntermediateDirectories: true)
        self.arguments = arguments
        self.environment = environment
    }

    deinit {
        // A backstop for a test that did not stop its server: never leave a process behind.
        state.withLock { $0.process }?.send(SIGKILL)
        try? FileManager.default.removeItem(at: root)
    }

    /// Starts a server with `--port 0` and `--bcrypt-cost` (nil leaves the default), runs `body`, then
    /// stops the server and removes its directory, also when `body` throws.
    static func with<T>(
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        bcryptCost: Int? = 4,
        _ body: (LiveServer) async throws -> T
    ) async throws -> T {
        var all = ["--port", "0"]
        if let bcryptCost { all += ["--bcrypt-cost", String(bcryptCost)] }
        // Registration throttling off unless a test turns it on (a flag wins): most tests register many
        // users from 127.0.0.1.
        var environment = environment
        if environment["JWT_AUTH_REGISTER_ATTEMPTS"] == nil { environment["JWT_AUTH_REGISTER_ATTEMPTS"] = "0" }
        let server = try LiveServer(arguments: all + arguments, environment: environment)
        do {
            try await server.start()
            let result = try await body(server)
            try await server.shutdown()
            return result
        } catch {
            try? await server.shutdown()
            throw error
        }
    }

    /// Starts the process and waits (at most `timeout`) until it prints the address it listens on.
    func start(timeout: Duration = .seconds(60)) async throws {
        let generation = state.withLock { state in
            state.generation += 1
            return state.generation
        }
        let running = try RunningProcess.launch(
            ["serve"] + arguments,
            directory: directory,
            environment: environment,
            captureDirectory: root.appending(path: "logs")
        )
        state.withLock {
            $0.process = running
            $0.logs[generation] = (running.standardOutputPath, running.standardErrorPath)
        }
        let deadline = ContinuousClock.now + timeout
        while true {
            let text = String(decoding: running.child.standardOutput(), as: UTF8.self)
            if let port = Self.listeningPort(in: text) {
                state.withLock { $0.port = port }
                return
            }
            if let exit = await running.exit() {
                throw LiveServerError("jwt-auth serve ended (\(exit)) before listening: \(log(generation))")
            }
            guard ContinuousClock.now < deadline else {
                running.send(SIGKILL)
                _ = await running.waitForExit(timeout: .seconds(10))
                throw LiveServerError("jwt-auth serve did not listen within \(timeout): \(log(generation))")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// The port in `jwt-auth listening on http://127.0.0.1:PORT`.
    static func listeningPort(in output: String) -> Int? {
        let prefix = "jwt-auth listening on http://"
        // The line itself, or the message of the JSON log entry (JWT_AUTH_LOG_FORMAT=json).
        for line in output.split(separator: "\n") {
            guard let start = line.range(of: prefix)?.upperBound else { continue }
            let address = line[start...].prefix { $0 != "\"" }
            guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else { continue }
            return port
        }
        return nil
    }

    /// Sends SIGTERM and waits at most `timeout` for the process to end; SIGKILL after that.
    /// - Returns: how it ended (nil if SIGKILL was needed) and how long it took.
    @discardableResult
    func terminate(timeout: Duration = .seconds(10)) async -> (exit: Exit?, elapsed: Duration) {
        guard let running = state.withLock({ $0.process }) else { return (nil, .zero) }
        let start = ContinuousClock.now
        running.send(SIGTERM)
        let exit = await running.waitForExit(timeout: timeout)
        let elapsed = ContinuousClock.now - start
        if exit == nil {
            running.send(SIGKILL)
            _ = await running.waitForExit(timeout: .seconds(10))
        }
        state.withLock { $0.process = nil }
        return (exit, elapsed)
    }

    /// Kills the process with SIGKILL (`kill -9`) and waits for it to end.
    func kill9() async {
        guard let running = state.withLock({ $0.process }) else { return }
        running.send(SIGKILL)
        _ = await running.waitForExit(timeout: .seconds(10))
        state.withLock { $0.process = nil }
    }

    /// Starts a new process on the same directory (the port may change); the old one must be stopped.
    func restart() async throws {
        precondition(state.withLock { $0.process == nil }, "stop the server before restarting it")
        try await start()
    }

    /// Stops the process if it runs and removes the directory.
    func shutdown() async throws {
        if let running = state.withLock({ $0.process }), await running.exit() == nil {
            let (exit, _) = await terminate()
            if exit == nil { throw LiveServerError("jwt-auth serve ignored SIGTERM for 10 s") }
        }
        state.withLock { $0.process = nil }
        try? FileManager.default.removeItem(at: root)
    }

    /// What the server printed (its last `limit` characters), for failure messages and log checks.
    func log(_ generation: Int? = nil, limit: Int = 2000) -> String {
        let files = state.withLock { $0.logs[generation ?? $0.generation] }
        guard let files else { return "" }
        let output = (try? String(contentsOf: URL(filePath: files.output), encoding: .utf8)) ?? ""
        let text = (try? String(contentsOf: URL(filePath: files.errors), encoding: .utf8)) ?? ""
        return String((output + text).suffix(limit))
    }

    /// Runs `jwt-auth arguments…` in the server's directory (so the `users` commands find `./data`),
    /// with `input` on standard input.
    func command(_ arguments: [String], input: String = "") async throws -> CommandResult {
        try await CommandResult.run(arguments, directory: directory, environment: environment, input: input)
    }
}

struct LiveServerError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
