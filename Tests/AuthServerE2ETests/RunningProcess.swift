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

/// A subprocess of the built `jwt-auth` executable whose end can be awaited with a timeout.
///
/// Started through ``ChildProcess`` (`posix_spawn` and `waitpid`), never Foundation's `Process`, whose
/// run-loop based waiting crashes when many tests spawn programs concurrently on Linux.
final class RunningProcess: Sendable {
    let child: ChildProcess.Running
    /// How the process ended, once it has been reaped (it can be reaped only once).
    private let ended = Mutex<LiveServer.Exit?>(nil)

    private init(_ child: ChildProcess.Running) {
        self.child = child
    }

    var pid: Int32 { child.pid }
    var standardOutputPath: String { child.standardOutputPath }
    var standardErrorPath: String { child.standardErrorPath }

    /// Sends `signal` unless the process is known to have ended (so that a reused pid is never hit).
    func send(_ signal: Int32) {
        guard ended.withLock({ $0 == nil }) else { return }
        child.send(signal)
    }

    /// Starts `jwt-auth arguments…` in `directory` with `environment` added to this process's, less
    /// every `JWT_AUTH_*` variable; standard output and error go to files in `captureDirectory`.
    static func launch(
        _ arguments: [String],
        directory: URL,
        environment: [String: String],
        input: [UInt8] = [],
        captureDirectory: URL
    ) throws -> RunningProcess {
        let executable = try #require(Self.executable, "jwt-auth is not built: run `swift build --build-tests` first")
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("JWT_AUTH_") }
        inherited.merge(environment) { _, new in new }
        let child = try ChildProcess.start(
            executable.path,
            arguments,
            input: input,
            environment: inherited,
            directory: directory.path,
            captureDirectory: captureDirectory.path
        )
        return RunningProcess(child)
    }

    /// Waits until the process ends, at most `timeout`; nil if it still runs.
    func waitForExit(timeout: Duration) async -> LiveServer.Exit? {
        if let exit = ended.withLock({ $0 }) { return exit }
        guard let status = await child.wait(timeout: timeout) else { return nil }
        let exit = status > 128 ? LiveServer.Exit(status: status - 128, isSignal: true) : LiveServer.Exit(status: status, isSignal: false)
        ended.withLock { $0 = exit }
        return exit
    }

    /// How the process ended, or nil while it runs (waits a few milliseconds at most).
    func exit() async -> LiveServer.Exit? {
        await waitForExit(timeout: .milliseconds(1))
    }

    /// The built executable: `JWT_AUTH_EXECUTABLE`, else next to the test bundle in the products
    /// directory, else `.build/debug/jwt-auth` in the package.
    static let executable: URL? = {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["JWT_AUTH_EXECUTABLE"] { candidates.append(URL(filePath: path)) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appending(path: "jwt-auth"))
        }
        if let main = Bundle.main.executableURL { candidates.append(main.deletingLastPathComponent().appending(path: "jwt-auth")) }
        let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appending(path: ".build/debug/jwt-auth"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}

/// What one run of a `jwt-auth` command did.
struct CommandResult: Sendable {
    let exit: LiveServer.Exit
    let stdout: String
    let stderr: String

    /// Runs `jwt-auth arguments…` in `directory` with `input` on standard input and waits (at most a
    /// minute) for it to end.
    static func run(_ arguments: [String], directory: URL, environment: [String: String] = [:], input: String = "") async throws -> Self {
        let captures = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-command-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: captures, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: captures) }
        let process = try RunningProcess.launch(
            arguments,
            directory: directory,
            environment: environment,
            input: Array(input.utf8),
            captureDirectory: captures
        )
        guard let exit = await process.waitForExit(timeout: .seconds(60)) else {
            process.send(SIGKILL)
            _ = await process.waitForExit(timeout: .seconds(10))
            throw LiveServerError("jwt-auth \(arguments.first ?? "") did not finish within a minute")
        }
        return CommandResult(
            exit: exit,
            stdout: String(decoding: process.child.standardOutput(), as: UTF8.self),
            stderr: String(decoding: process.child.standardError(), as: UTF8.self)
        )
    }
}
