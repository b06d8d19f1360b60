import Foundation
import JWTAuthTestSupport
import Testing

/// `jwt-auth serve` on a port another process holds: one line naming the address, exit 1, no NIO dump.
@Suite struct PortInUseTests {
    @Test func aPortInUseIsOneLineAndExit1() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-port-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await LoopbackPort.withListener { port in
            let result = try await CommandResult.run(["serve", "--port", "\(port)", "--bcrypt-cost", "4"], directory: directory)
            #expect(result.exit == LiveServer.Exit(status: 1, isSignal: false))
            #expect(result.stderr == "jwt-auth: cannot listen on 127.0.0.1:\(port): address already in use\n")
            #expect(!result.stdout.contains("listening"))
        }
    }

    /// The main port is free and only the metrics address is taken: the line names the metrics address.
    @Test(.bug(id: 19, "a metrics address in use was reported as the main address"))
    func aMetricsAddressInUseIsNamedAsSuch() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-port-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await LoopbackPort.withListener { port in
            let result = try await CommandResult.run(
                ["serve", "--port", "0", "--bcrypt-cost", "4"],
                directory: directory,
                environment: ["JWT_AUTH_METRICS_ADDRESS": "127.0.0.1:\(port)"]
            )
            #expect(result.exit == LiveServer.Exit(status: 1, isSignal: false))
            #expect(result.stderr == "jwt-auth: cannot listen on 127.0.0.1:\(port): address already in use\n")
            #expect(!result.stdout.contains("listening"), "checked before either server starts")
            #expect(!FileManager.default.fileExists(atPath: directory.appending(path: "data").path), "a failed start made the data directory")
        }
    }
}
