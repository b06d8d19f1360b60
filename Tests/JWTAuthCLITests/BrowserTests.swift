import Foundation
import JWTAuthTestSupport
import JWTAuthTesting
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The web site of a live `jwt-auth serve` in a real browser: `Tests/Browser/test_browser.py` drives
/// Debian's headless Chromium through Selenium against the server started here on a loopback port.
///
/// Needs `JWT_AUTH_CHROMEDRIVER` (set by `scripts/test` through `scripts/chromium`) and `JWT_AUTH_PYTHON`
/// (with Selenium, from `scripts/python-env`). Without them the test is skipped, unless
/// `JWT_AUTH_REQUIRE_SERVERS=1`, when it fails. Screenshots go to `artifacts/browser/`.
@Suite struct BrowserTests {
    static let environment = ProcessInfo.processInfo.environment
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    /// The access token's lifetime on the server: short, so that the test sees implicit refresh.
    static let accessTTL = 3

    static var isConfigured: Bool {
        environment["JWT_AUTH_CHROMEDRIVER"] != nil && environment["JWT_AUTH_PYTHON"] != nil
            || environment["JWT_AUTH_REQUIRE_SERVERS"] == "1"
    }

    @Test(.enabled(if: isConfigured, "set JWT_AUTH_CHROMEDRIVER and JWT_AUTH_PYTHON (scripts/test does)"), .timeLimit(.minutes(3)))
    func theWebSiteWorksInHeadlessChromium() async throws {
        let chromedriver = try #require(Self.environment["JWT_AUTH_CHROMEDRIVER"], "JWT_AUTH_CHROMEDRIVER is not set: run scripts/test")
        let python = try #require(Self.environment["JWT_AUTH_PYTHON"], "JWT_AUTH_PYTHON is not set: run scripts/test")
        let executable = try #require(CLISandbox.executable, "jwt-auth is not built: run `swift build --build-tests` first")
        let sandbox = try CLISandbox()
        let artifacts = Self.packageRoot.appending(path: "artifacts/browser")
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)

        // No JWT_AUTH_* setting of the caller reaches the server; it logs at debug level, so that the
        // check below that no token or password is logged sees as much as possible.
        let serverEnvironment = Self.environment.filter { !$0.key.hasPrefix("JWT_AUTH_") }
        var environment = serverEnvironment
        environment["JWT_AUTH_CHROMEDRIVER"] = chromedriver
        environment["JWT_AUTH_ARTIFACTS"] = artifacts.path
        let server = try ChildProcess.start(
            executable.path,
            [
                "serve", "--host", "127.0.0.1", "--port", "0", "--data-dir", "data", "--access-ttl", "\(Self.accessTTL)s",
                "--refresh-ttl", "10m", "--bcrypt-cost", "4", "--registration", "open", "--log-level", "debug",
            ],
            environment: serverEnvironment,
            directory: sandbox.directory.path
        )
        let outcome: Result<(status: Int32?, output: String), any Error>
        do {
            outcome = .success(try await Self.runBrowser(against: server, python: python, environment: environment, sandbox: sandbox))
        } catch {
            outcome = .failure(error)
        }
        server.send(SIGTERM)
        if await server.wait(timeout: .seconds(10)) == nil {
            server.send(SIGKILL)
            _ = await server.wait()
        }
        let log = String(decoding: server.standardOutput() + server.standardError(), as: UTF8.self)
        unlink(server.standardOutputPath)
        unlink(server.standardErrorPath)

        let (status, output) = try outcome.get()
        #expect(status == 0, "the browser steps failed:\n\(output)\nserver log:\n\(log)")
        #expect(output.contains("browser: 9 passed, 0 failed"), "\(output)")
        // What the server logged while the browser signed in, refreshed and signed out: no token, no password.
        #expect(log.contains("jwt-auth listening on"))
        #expect(!log.contains("eyJ"), "a token is in the server's log")
        #expect(!log.contains("correct horse battery"), "the password is in the server's log")
    }

    /// Runs the Selenium script against `server` once it listens; its exit status (nil when it hung) and output.
    static func runBrowser(
        against server: ChildProcess.Running,
        python: String,
        environment: [String: String],
        sandbox: CLISandbox
    ) async throws -> (status: Int32?, output: String) {
        var environment = environment
        environment["JWT_AUTH_URL"] = try await address(of: server)
        environment["JWT_AUTH_ACCESS_TTL"] = "\(accessTTL)"
        environment["SE_OFFLINE"] = "true"  // Selenium Manager must not look for drivers online
        environment["HOME"] = sandbox.directory.path
        let browser = try ChildProcess.start(
            python,
            [packageRoot.appending(path: "Tests/Browser/test_browser.py").path],
            environment: environment,
            directory: sandbox.directory.path
        )
        var status = await browser.wait(timeout: .seconds(150))
        if status == nil {
            browser.send(SIGTERM)  // the script quits the browser on SIGTERM
            status = await browser.wait(timeout: .seconds(10))
        }
        // Whatever the script left behind (chromedriver, chromium) is in its process group.
        kill(-browser.pid, SIGKILL)
        if status == nil { _ = await browser.wait() }
        let output = String(decoding: browser.standardOutput() + browser.standardError(), as: UTF8.self)
        unlink(browser.standardOutputPath)
        unlink(browser.standardErrorPath)
        return (status, output)
    }

    /// The `http://127.0.0.1:PORT` that `jwt-auth serve` prints once it listens.
    static func address(of server: ChildProcess.Running) async throws -> String {
        for _ in 0..<600 {
            let output = String(decoding: server.standardOutput(), as: UTF8.self)
            if let range = output.range(of: #"http://127\.0\.0\.1:[0-9]+"#, options: .regularExpression) {
                return String(output[range])
            }
            if let status = await server.wait(timeout: .milliseconds(50)) {
                let errors = String(decoding: server.standardError(), as: UTF8.self)
                Issue.record("jwt-auth serve exited with \(status): \(errors)")
                throw CancellationError()
            }
        }
        Issue.record("jwt-auth serve printed no address within 30 s")
        throw CancellationError()
    }
}
