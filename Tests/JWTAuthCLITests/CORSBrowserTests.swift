import Foundation
import JWTAuthTestSupport
import Testing

/// `JWT_AUTH_CORS_ORIGINS` in a real browser: `Tests/Browser/test_cors.py` serves an app page on a loopback
/// port listed as the allowed origin, and headless Chromium logs in from it with `fetch(…, {credentials:
/// "include"})`; the same page under `localhost`, another origin, is refused by the browser. Needs what
/// ``BrowserTests`` needs (`JWT_AUTH_CHROMEDRIVER`, `JWT_AUTH_PYTHON`).
@Suite struct CORSBrowserTests {
    /// A port free on 127.0.0.1 now (the app page binds it right after).
    static func freePort() throws -> Int {
        try #require(LoopbackPort.bind())
    }

    @Test(.enabled(if: BrowserTests.isConfigured, "set JWT_AUTH_CHROMEDRIVER and JWT_AUTH_PYTHON (scripts/test does)"), .timeLimit(.minutes(3)))
    func aListedOriginLogsInWithFetchAndAnotherIsRefused() async throws {
        let chromedriver = try #require(BrowserTests.environment["JWT_AUTH_CHROMEDRIVER"])
        let python = try #require(BrowserTests.environment["JWT_AUTH_PYTHON"])
        let executable = try #require(CLISandbox.executable, "jwt-auth is not built")
        let sandbox = try CLISandbox()
        let appPort = try Self.freePort()
        var serverEnvironment = BrowserTests.environment.filter { !$0.key.hasPrefix("JWT_AUTH_") }
        serverEnvironment["JWT_AUTH_CORS_ORIGINS"] = "http://127.0.0.1:\(appPort)"
        serverEnvironment["JWT_AUTH_REGISTER_ATTEMPTS"] = "0"
        let server = try ChildProcess.start(
            executable.path,
            ["serve", "--port", "0", "--bcrypt-cost", "4"],
            environment: serverEnvironment,
            directory: sandbox.directory.path
        )
        defer {
            server.send(SIGKILL)
            unlink(server.standardOutputPath)
            unlink(server.standardErrorPath)
        }
        var environment = BrowserTests.environment
        environment["JWT_AUTH_URL"] = try await BrowserTests.address(of: server)
        environment["JWT_AUTH_APP_PORT"] = "\(appPort)"
        environment["JWT_AUTH_CHROMEDRIVER"] = chromedriver
        environment["SE_OFFLINE"] = "true"
        environment["HOME"] = sandbox.directory.path
        let browser = try ChildProcess.start(
            python,
            [BrowserTests.packageRoot.appending(path: "Tests/Browser/test_cors.py").path],
            environment: environment,
            directory: sandbox.directory.path
        )
        var status = await browser.wait(timeout: .seconds(120))
        if status == nil {
            browser.send(SIGTERM)
            status = await browser.wait(timeout: .seconds(10))
        }
        kill(-browser.pid, SIGKILL)
        if status == nil { _ = await browser.wait() }
        let output = String(decoding: browser.standardOutput() + browser.standardError(), as: UTF8.self)
        unlink(browser.standardOutputPath)
        unlink(browser.standardErrorPath)
        #expect(status == 0, "\(output)")
        #expect(output.contains("cors: 2 passed, 0 failed"), "\(output)")
    }
}
