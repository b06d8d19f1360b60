#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs programs for tests with `posix_spawn` and `waitpid`, without Foundation's `Process`, whose
/// run-loop based waiting crashes when many tests spawn programs concurrently on Linux.
///
/// Standard input, output and error are files, so no pipe can fill up.
public enum ChildProcess {
    /// What a finished program left.
    public struct Output: Sendable {
        /// The exit status, or 128 + the signal number when a signal ended it.
        public let status: Int32
        public let standardOutput: [UInt8]
        public let standardError: [UInt8]
    }

    /// A program that could not be started.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// A program started and still running.
    public struct Running: Sendable {
        public let pid: Int32
        /// The files its standard output and error go to.
        public let standardOutputPath: String
        public let standardErrorPath: String

        /// Sends `signal` (e.g. `SIGTERM`, `SIGKILL`).
        public func send(_ signal: Int32) { kill(pid, signal) }

        /// Waits for the program to end, polling so that no thread blocks; nil when `timeout` passed first.
        public func wait(timeout: Duration = .seconds(30)) async -> Int32? {
            let deadline = ContinuousClock.now + timeout
            while ContinuousClock.now < deadline {
                if let status = ChildProcess.reap(pid, block: false) { return status }
                try? await Task.sleep(for: .milliseconds(10))
            }
            return nil
        }

        /// What the program wrote to standard output so far.
        public func standardOutput() -> [UInt8] { ChildProcess.read(standardOutputPath) }
        /// What the program wrote to standard error so far.
        public func standardError() -> [UInt8] { ChildProcess.read(standardErrorPath) }
    }

    /// Starts `executable` with `arguments` in `directory`; its output goes to files in `captureDirectory`.
    public static func start(
        _ executable: String,
        _ arguments: [String],
        input: [UInt8] = [],
        environment: [String: String]? = nil,
        directory: String? = nil,
        captureDirectory: String = "/tmp"
    ) throws -> Running {
        let id = "jwtauth-\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
        let inputPath = "\(captureDirectory)/\(id).in"
        let outputPath = "\(captureDirectory)/\(id).out"
        let errorPath = "\(captureDirectory)/\(id).err"
        try write(input, to: inputPath)
        defer { unlink(inputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, inputPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errorPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // A process group of its own, so that a signal for the test runner does not reach it.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        posix_spawnattr_setpgroup(&attributes, 0)

        var environmentLines: [String] = []
        if let environment {
            environmentLines = environment.map { "\($0.key)=\($0.value)" }
        } else {
            var pointer = environ
            while let entry = pointer.pointee {
                environmentLines.append(String(cString: entry))
                pointer += 1
            }
        }
        // glibc's posix_spawn_file_actions_addchdir_np is not visible to Swift: a shell changes directory.
        var program = executable
        var words = [executable] + arguments
        if let directory {
            program = "/bin/sh"
            words = ["/bin/sh", "-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments
        }
        let argv = words.map { strdup($0) } + [nil]
        let envp = environmentLines.map { strdup($0) } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, program, &actions, &attributes, argv, envp)
        guard result == 0 else { throw Failure(description: "cannot start \(executable): \(String(cString: strerror(result)))") }
        return Running(pid: pid, standardOutputPath: outputPath, standardErrorPath: errorPath)
    }

    /// Runs a program to completion and returns its output.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        input: [UInt8] = [],
        environment: [String: String]? = nil,
        directory: String? = nil
    ) throws -> Output {
        let running = try start(executable, arguments, input: input, environment: environment, directory: directory)
        defer {
            unlink(running.standardOutputPath)
            unlink(running.standardErrorPath)
        }
        let status = reap(running.pid, block: true) ?? -1
        return Output(status: status, standardOutput: running.standardOutput(), standardError: running.standardError())
    }

    /// Runs a program to its end without blocking a thread, waiting at most `timeout`.
    /// - Throws: ``Failure`` with the end of its output when it exits non-zero or is still running at the
    ///   timeout (then it is killed).
    public static func runToSuccess(
        _ executable: String,
        _ arguments: [String],
        directory: String? = nil,
        captureDirectory: String = "/tmp",
        timeout: Duration
    ) async throws {
        let running = try start(executable, arguments, directory: directory, captureDirectory: captureDirectory)
        defer {
            unlink(running.standardOutputPath)
            unlink(running.standardErrorPath)
        }
        let status = await running.wait(timeout: timeout)
        guard status == 0 else {
            if status == nil { running.send(SIGKILL) }
            let output = String(decoding: running.standardOutput() + running.standardError(), as: UTF8.self)
            let name = executable.split(separator: "/").last.map(String.init) ?? executable
            throw Failure(description: "\(name) failed (\(status.map(String.init) ?? "timeout")): \(output.suffix(1500))")
        }
    }

    /// The exit status of `pid` once it has ended; nil while it runs (when not blocking).
    static func reap(_ pid: Int32, block: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, block ? 0 : WNOHANG)
            if result == -1, errno == EINTR { continue }
            guard result == pid else { return nil }
            let signal = status & 0x7F
            return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
        }
    }

    static func read(_ path: String) -> [UInt8] {
        guard let file = fopen(path, "rb") else { return [] }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        guard let file = fopen(path, "wb") else { throw Failure(description: "cannot write \(path)") }
        defer { fclose(file) }
        if !bytes.isEmpty, fwrite(bytes, 1, bytes.count, file) != bytes.count { throw Failure(description: "cannot write \(path)") }
    }
}
