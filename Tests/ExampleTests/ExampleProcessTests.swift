import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuthTestSupport
import JWTAuthTesting
import NIOCore
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `jwt-auth-example` executable, run as a process on a loopback port the system picks:
/// what `swift run jwt-auth-example` and `scripts/bench-http` do.
@Suite struct ExampleProcessTests {
    @Test func executableServesTheTokensItsTokenCommandPrints() async throws {
        let executable = try #require(Self.executable, "jwt-auth-example is not built: run `swift build --build-tests` first")
        let environment = [
            "EXAMPLE_SECRET": String(repeating: "process-secret-", count: 3),
            "EXAMPLE_HOST": "127.0.0.1",
            "EXAMPLE_PORT": "0",
            "LOG_LEVEL": "warning",
            "PATH": "/usr/bin:/bin",
        ]
        let printed = try ChildProcess.run(executable, ["token", "--sub", "grace"], environment: environment)
        #expect(printed.status == 0)
        let token = String(decoding: printed.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(token.split(separator: ".").count == 3)

        let server = try ChildProcess.start(executable, [], environment: environment)
        defer {
            server.send(SIGKILL)
            unlink(server.standardOutputPath)
            unlink(server.standardErrorPath)
        }
        let port = try #require(await Self.port(of: server), "the server did not say where it listens")

        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let health = try await client.get("/health")
            #expect(health.status == .ok)
            let anonymous = try await client.get("/api/protected")
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers[.wwwAuthenticate] == #"Bearer realm="jwt-auth""#)
            let protected = try await client.get("/api/protected", headers: [.authorization: "Bearer \(token)"])
            #expect(protected.status == .ok)
            #expect(protected.body.map { String(buffer: $0) } == #"{"user":"grace"}"#)
        }

        // SIGTERM is a graceful shutdown: the server ends by itself, successfully.
        server.send(SIGTERM)
        let status = await server.wait(timeout: .seconds(30))
        #expect(status == 0)
        let errors = String(decoding: server.standardError(), as: UTF8.self)
        #expect(!errors.contains(token), "the server logged a token")
    }

    @Test func badSettingsStopTheExecutableWithAMessage() throws {
        let executable = try #require(Self.executable, "jwt-auth-example is not built: run `swift build --build-tests` first")
        let output = try ChildProcess.run(executable, [], environment: ["EXAMPLE_ALG": "none"])
        #expect(output.status == 1)
        #expect(String(decoding: output.standardError, as: UTF8.self).contains("EXAMPLE_ALG must be HS256 or ES256"))
    }

    /// The port from the server's "listening on" line, once it has printed it; nil if it ends first or
    /// says nothing for 30 seconds.
    static func port(of server: ChildProcess.Running) async -> Int? {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            let output = String(decoding: server.standardOutput(), as: UTF8.self)
            if let line = output.split(separator: "\n").first(where: { $0.hasPrefix("jwt-auth-example listening on ") }),
                let port = line.split(separator: ":").last.flatMap({ Int($0) })
            {
                return port
            }
            if kill(server.pid, 0) != 0 { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// The built executable: `JWT_AUTH_EXAMPLE_EXECUTABLE`, else next to the test bundle in the
    /// products directory, else `.build/debug/jwt-auth-example` in the package.
    static let executable: String? = {
        var candidates: [String] = []
        if let path = ProcessInfo.processInfo.environment["JWT_AUTH_EXAMPLE_EXECUTABLE"] { candidates.append(path) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appending(path: "jwt-auth-example").path)
        }
        if let main = Bundle.main.executableURL { candidates.append(main.deletingLastPathComponent().appending(path: "jwt-auth-example").path) }
        let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appending(path: ".build/debug/jwt-auth-example").path)
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}
