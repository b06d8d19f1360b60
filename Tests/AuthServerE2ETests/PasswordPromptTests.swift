import Foundation
import HTTPTypes
import JWTAuth
import JWTAuthTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// `users add` and `users passwd` on a terminal: the real binary under a pseudo-terminal (Python's `pty`), the
/// password typed at each prompt. Nothing typed is echoed, and the password typed is the one set.
@Suite(.enabled(if: PseudoTerminal.isAvailable, "needs /dev/ptmx and python3 (its pty module) to run the binary on a terminal"))
struct PasswordPromptTests {
    @Test(.bug(id: 19, "the password prompt on a terminal was not tested"))
    func usersAddAsksTwiceWithoutEchoAndTheUserLogsIn() async throws {
        try await LiveServer.with { server in
            let password = "typed-at-a-terminal-7"
            let run = try await PseudoTerminal.run(["users", "add", "tina", "--bcrypt-cost", "4"], typing: password, in: server)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("Password: ") && run.output.contains("Repeat the password: "), "\(run.output)")
            #expect(run.output.contains("\"username\":\"tina\""), "\(run.output)")
            #expect(!run.output.contains(password), "the password was echoed: \(run.output)")
            #expect(!run.output.contains("typed-at"), "part of the password was echoed: \(run.output)")
            _ = try await server.login("tina", password: password)
        }
    }

    @Test func usersPasswdAsksTwiceWithoutEchoAndTheNewPasswordWorks() async throws {
        try await LiveServer.with { server in
            _ = try await server.register("uma")
            let password = "a new one from the keyboard"
            let run = try await PseudoTerminal.run(["users", "passwd", "uma", "--bcrypt-cost", "4"], typing: password, in: server)
            #expect(run.status == 0, "\(run.output)")
            #expect(run.output.contains("Repeat the password: "), "\(run.output)")
            #expect(!run.output.contains("keyboard"), "the password was echoed: \(run.output)")
            _ = try await server.login("uma", password: password)
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("uma")).status == .unauthorized)
        }
    }

    @Test func twoDifferentEntriesChangeNothing() async throws {
        try await LiveServer.with { server in
            let run = try await PseudoTerminal.run(
                ["users", "add", "vic", "--bcrypt-cost", "4"],
                typing: "first entry typed",
                then: "second entry typed",
                in: server
            )
            #expect(run.status == 1, "\(run.output)")
            #expect(run.output.contains("bad_request: The passwords differ"), "\(run.output)")
            #expect(!run.output.contains("entry typed"), "\(run.output)")
            let listed = try await server.command(["users", "list", "--json"])
            #expect(!listed.stdout.contains("vic"))
        }
    }
}

/// The `jwt-auth` binary run on a pseudo-terminal by a small Python program, which answers each password prompt.
enum PseudoTerminal {
    static var isAvailable: Bool {
        FileManager.default.fileExists(atPath: "/dev/ptmx") && python != nil
    }

    /// `python3` on `PATH`.
    static let python: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/python3" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Waits for `Password: ` and types the password, then for `Repeat the password: ` and types it (or `then`)
    /// again, each followed by Return; prints what the terminal showed and the exit status as JSON. The
    /// password reaches it in the environment, never in an argument, and the binary does not inherit it.
    static let program = #"""
        import json, os, pty, select, sys, time
        typed = [os.environ.pop("TYPED_FIRST"), os.environ.pop("TYPED_SECOND")]
        pid, fd = pty.fork()
        if pid == 0:
            os.execv(sys.argv[1], sys.argv[1:])
        shown = b""
        def read_until(marker):
            global shown
            deadline = time.monotonic() + 60
            while marker not in shown:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise SystemExit("no %r within 60 s: %r" % (marker, shown))
                ready, _, _ = select.select([fd], [], [], left)
                if ready:
                    try:
                        chunk = os.read(fd, 4096)
                    except OSError:
                        chunk = b""
                    if not chunk:
                        raise SystemExit("ended before %r: %r" % (marker, shown))
                    shown += chunk
        for marker, text in zip([b"Password: ", b"Repeat the password: "], typed):
            read_until(marker)
            os.write(fd, text.encode() + b"\r")
        while True:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            shown += chunk
        _, status = os.waitpid(pid, 0)
        print(json.dumps({"output": shown.decode("utf-8", "replace"), "status": os.waitstatus_to_exitcode(status)}))
        """#

    struct Run {
        let status: Int
        let output: String
    }

    /// Runs `jwt-auth arguments…` in the server's directory on a terminal, typing `password` at the first prompt
    /// and `second` (by default the same) at the second.
    static func run(_ arguments: [String], typing password: String, then second: String? = nil, in server: LiveServer) async throws -> Run {
        let python = try #require(python)
        let executable = try #require(RunningProcess.executable, "jwt-auth is not built")
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("JWT_AUTH_") }
        environment.merge(server.environment) { _, new in new }
        environment["TYPED_FIRST"] = password
        environment["TYPED_SECOND"] = second ?? password
        let running = try ChildProcess.start(
            python,
            ["-c", program, executable.path] + arguments,
            environment: environment,
            directory: server.directory.path
        )
        defer {
            unlink(running.standardOutputPath)
            unlink(running.standardErrorPath)
        }
        guard let status = await running.wait(timeout: .seconds(90)) else {
            running.send(SIGKILL)
            throw LiveServerError("the terminal session did not end within 90 s")
        }
        let stdout = String(decoding: running.standardOutput(), as: UTF8.self)
        let stderr = String(decoding: running.standardError(), as: UTF8.self)
        guard status == 0, let result = try? JSONParser().parse(Array(stdout.utf8)) else {
            throw LiveServerError("the terminal program failed (\(status)): \(stdout) \(stderr)")
        }
        return Run(status: Int(result["status"]?.intValue ?? -1), output: result["output"]?.stringValue ?? "")
    }
}
