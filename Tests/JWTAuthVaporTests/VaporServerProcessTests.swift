#if Vapor
import Foundation
import JWTAuth
import JWTAuthTestSupport
import Testing
import Vapor
import VaporTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The built `VaporServer` example, run as a process on a loopback port: what
/// `swift run --traits Vapor VaporServer serve` does.
@Suite struct VaporServerProcessTests {
    @Test func theExampleRegistersLogsInAndProtects() async throws {
        let executable = try #require(Self.executable, "VaporServer is not built: run `swift build --traits Vapor --build-tests` first")
        let port = try #require(LoopbackPort.bind())
        let server = try ChildProcess.start(
            executable,
            ["serve", "--hostname", "127.0.0.1", "--port", String(port)],
            environment: ["JWT_SECRET": String(repeating: "process-secret-", count: 3), "PATH": "/usr/bin:/bin"]
        )
        defer {
            server.send(SIGKILL)
            unlink(server.standardOutputPath)
            unlink(server.standardErrorPath)
        }
        let deadline = ContinuousClock.now + .seconds(60)
        while !LoopbackPort.isListening(port), ContinuousClock.now < deadline, kill(server.pid, 0) == 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        try #require(LoopbackPort.isListening(port), "VaporServer did not listen: \(String(decoding: server.standardError(), as: UTF8.self))")

        try await withApp { app in
            let base = "http://127.0.0.1:\(port)"
            let json: HTTPHeaders = ["Content-Type": "application/json"]
            let credentials = #"{"username":"grace","password":"correct horse"}"#
            #expect(try await app.client.get(URI(string: base + "/health")).status == .ok)
            let registered = try await app.client.post(URI(string: base + "/auth/register"), headers: json) {
                $0.body = ByteBuffer(string: credentials)
            }
            #expect(registered.status == .created)
            let login = try await app.client.post(URI(string: base + "/auth/login"), headers: json) { $0.body = ByteBuffer(string: credentials) }
            let body = try JSONParser().parseObject(try #require(login.body).readableBytesView)
            let token = try #require(body["access_token"]?.stringValue)
            let anonymous = try await app.client.get(URI(string: base + "/api/protected"))
            #expect(anonymous.status == .unauthorized)
            #expect(anonymous.headers.first(name: .wwwAuthenticate) == #"Bearer realm="jwt-auth""#)
            let protected = try await app.client.get(URI(string: base + "/api/protected"), headers: ["Authorization": "Bearer \(token)"])
            #expect(protected.status == .ok)
            #expect(protected.body.map { String(buffer: $0) } == #"{"user":"1"}"#)
        }
    }

    static let executable: String? = {
        var candidates: [String] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appending(path: "VaporServer").path)
        }
        if let main = Bundle.main.executableURL { candidates.append(main.deletingLastPathComponent().appending(path: "VaporServer").path) }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}
#endif
