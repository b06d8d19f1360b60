import AsyncHTTPClient
import Foundation
import JWTAuth
import JWTAuthTestSupport
import JWTAuthTesting
import NIOCore
import NIOHTTP1
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A built executable of this package running as a child process (through ``ChildProcess``).
struct Service {
    let running: ChildProcess.Running

    /// The products directory's `name`: next to the test bundle, else `.build/debug`.
    static func executable(_ name: String) throws -> String {
        var candidates: [String] = []
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appending(path: name).path)
        }
        if let main = Bundle.main.executableURL { candidates.append(main.deletingLastPathComponent().appending(path: name).path) }
        let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        candidates.append(package.appending(path: ".build/debug/\(name)").path)
        return try #require(
            candidates.first { FileManager.default.isExecutableFile(atPath: $0) },
            "\(name) is not built: run `swift build --build-tests`"
        )
    }

    /// Starts `name` and waits until its standard output holds `ready` (at most 60 s).
    static func start(_ name: String, _ arguments: [String] = [], environment: [String: String], ready: String) async throws -> Service {
        var inherited = ProcessInfo.processInfo.environment
        inherited.merge(environment) { $1 }
        let running = try ChildProcess.start(try executable(name), arguments, environment: inherited)
        let service = Service(running: running)
        for _ in 0..<600 {
            if service.output.contains(ready) { return service }
            if let status = ChildProcess.Running.exited(running) {
                throw ServiceFailure(description: "\(name) exited with \(status): \(String(decoding: running.standardError(), as: UTF8.self))")
            }
            try await Task.sleep(for: .milliseconds(100))
        }
        await service.stop()
        throw ServiceFailure(description: "\(name) did not start")
    }

    var output: String { String(decoding: running.standardOutput(), as: UTF8.self) }

    /// SIGTERM, then SIGKILL if it has not stopped within 10 s.
    func stop() async {
        running.send(SIGTERM)
        if await running.wait(timeout: .seconds(10)) == nil {
            running.send(SIGKILL)
            _ = await running.wait(timeout: .seconds(5))
        }
        unlink(running.standardOutputPath)
        unlink(running.standardErrorPath)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    static func freePort() throws -> Int {
        try #require(LoopbackPort.bind())
    }
}

extension ChildProcess.Running {
    /// The exit status if the process has ended.
    static func exited(_ running: ChildProcess.Running) -> Int32? {
        var status: Int32 = 0
        guard waitpid(running.pid, &status, WNOHANG) == running.pid else { return nil }
        return status
    }
}

/// Plain HTTP calls to the services.
struct HTTP {
    let client: HTTPClient

    struct Answer {
        let status: Int
        let body: [String: JSONValue]
    }

    func call(_ method: HTTPMethod, _ url: String, token: String? = nil, json: String? = nil) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: (try? JSONParser().parseObject(body.readableBytesView)) ?? [:])
    }
}

/// A service that did not start.
struct ServiceFailure: Error, CustomStringConvertible {
    let description: String
}
