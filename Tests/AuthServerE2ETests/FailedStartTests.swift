import Foundation
import JWTAuthTestSupport
import Testing

/// A first `serve` that fails to start leaves no half-made data directory behind; one that fails on
/// existing data leaves that data as it was.
@Suite struct FailedStartTests {
    func withDirectory<T>(_ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-failed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        return try await body(directory)
    }

    func contents(_ directory: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    @Test func aPortInUseLeavesNoDataDirectory() async throws {
        try await withDirectory { directory in
            try await LoopbackPort.withListener { port in
                let result = try await CommandResult.run(["serve", "--port", "\(port)", "--bcrypt-cost", "4"], directory: directory)
                #expect(result.exit.status == 1)
                #expect(try contents(directory).isEmpty, "a failed start left data behind")
            }
        }
    }

    @Test func aKeyFileThatCannotBeReadLeavesNoDataDirectory() async throws {
        try await withDirectory { directory in
            let result = try await CommandResult.run(
                ["serve", "--port", "0", "--key-file", "missing.pem", "--data-dir", "state"],
                directory: directory
            )
            #expect(result.exit.status == 2)
            #expect(result.stderr.contains("JWT_AUTH_KEY_FILE"))
            #expect(try contents(directory).isEmpty, "a failed start left data behind")
        }
    }

    @Test func existingDataStaysWhenAStartFails() async throws {
        try await withDirectory { directory in
            try await LoopbackPort.withListener { port in
                try FileManager.default.createDirectory(at: directory.appending(path: "data"), withIntermediateDirectories: true)
                try Data("kept".utf8).write(to: directory.appending(path: "data/note"))
                let result = try await CommandResult.run(["serve", "--port", "\(port)", "--bcrypt-cost", "4"], directory: directory)
                #expect(result.exit.status == 1)
                #expect(try contents(directory.appending(path: "data")).contains("note"))
            }
        }
    }
}
