import Foundation
import JWTAuthTestSupport
import Testing

/// `deploy/jwt-auth.service` passes `systemd-analyze verify` with no complaint (an unknown or misspelt
/// directive is only a warning there, so any output fails), pointed at the built binary; and it keeps the
/// settings the deploy guide promises. Skipped where the machine has no systemd-analyze.
@Suite struct SystemdUnitTests {
    static let analyzer = "/usr/bin/systemd-analyze"
    static let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func verify(_ unit: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-unit-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appending(path: "jwt-auth.service")
        try Data(unit.utf8).write(to: path)
        let output = try ChildProcess.run(analyzer, ["verify", path.path])
        return String(decoding: output.standardOutput + output.standardError, as: UTF8.self) + (output.status == 0 ? "" : "exit \(output.status)")
    }

    static func unit() throws -> String {
        let executable = try #require(CLISandbox.executable, "jwt-auth is not built")
        let text = try String(contentsOf: root.appending(path: "deploy/jwt-auth.service"), encoding: .utf8)
        return text.replacing("/usr/local/bin/jwt-auth", with: executable.path)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: analyzer), "needs systemd-analyze"))
    func theUnitVerifiesCleanly() throws {
        let unit = try Self.unit()
        #expect(try Self.verify(unit).isEmpty)
        // The check is real: a misspelt directive is reported.
        #expect(!(try Self.verify(unit.replacing("NoNewPrivileges=yes", with: "NoNewPrivilege=yes"))).isEmpty)
    }

    @Test func theUnitIsHardened() throws {
        let unit = try Self.unit()
        for line in [
            "DynamicUser=yes", "StateDirectory=jwt-auth", "StateDirectoryMode=0700", "Environment=JWT_AUTH_DATA_DIR=/var/lib/jwt-auth",
            "NoNewPrivileges=yes", "ProtectSystem=strict", "LimitNOFILE=65536", "CapabilityBoundingSet=", "KillSignal=SIGTERM",
        ] {
            #expect(unit.split(separator: "\n").contains { $0 == line }, "\(line) is missing")
        }
    }
}
