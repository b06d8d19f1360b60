import Foundation
import Synchronization
import Testing

/// A subprocess of the built `jwt-auth` executable whose end can be awaited with a timeout.
final class RunningProcess: Sendable {
    // Process is not Sendable; it is only read (its pid) after launch, and its termination handler
    // runs once on Foundation's thread.
    nonisolated(unsafe) let process: Process
    private let ended = Mutex<LiveServer.Exit?>(nil)

    private init(_ process: Process) {
        self.process = process
    }

    /// How the process ended, or nil while it runs.
    var exit: LiveServer.Exit? { ended.withLock { $0 } }

    /// Starts `jwt-auth arguments…` in `directory` with `environment` added to this process's, less
    /// every `JWT_AUTH_*` variable; output goes to the given files.
    static func launch(
        _ arguments: [String],
        directory: URL,
        environment: [String: String],
        standardInput: URL? = nil,
        standardOutput: URL,
        standardError: URL
    ) throws -> RunningProcess {
        let executable = try #require(Self.executable, "jwt-auth is not built: run `swift build --build-tests` first")
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = directory
        var inherited = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("JWT_AUTH_") }
        inherited.merge(environment) { _, new in new }
        process.environment = inherited
        try Data().write(to: standardOutput)
        try Data().write(to: standardError)
        let output = try FileHandle(forWritingTo: standardOutput)
        let errors = try FileHandle(forWritingTo: standardError)
        let input = try standardInput.map { try FileHandle(forReadingFrom: $0) } ?? FileHandle(forReadingAtPath: "/dev/null")
        defer {
            try? output.close()
            try? errors.close()
            try? input?.close()
        }
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = input
        let running = RunningProcess(process)
        process.terminationHandler = { process in
            let exit = LiveServer.Exit(status: process.terminationStatus, isSignal: process.terminationReason == .uncaughtSignal)
            running.ended.withLock { $0 = exit }
        }
        try process.run()
        return running
    }

    /// Waits until the process ends, at most `timeout`; nil if it still runs.
    func waitForExit(timeout: Duration) async -> LiveServer.Exit? {
        let deadline = ContinuousClock.now + timeout
        while exit == nil, ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        return exit
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
        let stdin = captures.appending(path: "in")
        try Data(input.utf8).write(to: stdin)
        let process = try RunningProcess.launch(
            arguments,
            directory: directory,
            environment: environment,
            standardInput: stdin,
            standardOutput: captures.appending(path: "out"),
            standardError: captures.appending(path: "err")
        )
        guard let exit = await process.waitForExit(timeout: .seconds(60)) else {
            process.process.terminate()
            _ = await process.waitForExit(timeout: .seconds(10))
            throw LiveServerError("jwt-auth \(arguments.first ?? "") did not finish within a minute")
        }
        return CommandResult(
            exit: exit,
            stdout: String(decoding: try Data(contentsOf: captures.appending(path: "out")), as: UTF8.self),
            stderr: String(decoding: try Data(contentsOf: captures.appending(path: "err")), as: UTF8.self)
        )
    }
}
