import AuthServer
import Foundation
import Testing

/// `AuthServerConfiguration.settings(environment:flags:)` reads `JWT_AUTH_<NAME>_FILE`.
@Suite struct SecretFileSettingsTests {
    static func file(_ content: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-secret-\(UUID().uuidString)").path
        try Data(content.utf8).write(to: URL(filePath: path))
        return path
    }

    @Test(arguments: [("s\n", "s"), ("s\r\n", "s"), ("s\n\n", "s\n"), ("s", "s"), ("", "")])
    func oneTrailingLineBreakIsRemoved(content: String, value: String) throws {
        let path = try Self.file(content)
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(try AuthServerConfiguration.settings(environment: ["JWT_AUTH_BLOCKLIST_URL_FILE": path])["BLOCKLIST_URL"] == value)
    }

    @Test func aFlagWinsOverAFile() throws {
        let path = try Self.file("memory:\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        let settings = try AuthServerConfiguration.settings(environment: ["JWT_AUTH_BLOCKLIST_URL_FILE": path], flags: ["BLOCKLIST_URL": "database"])
        #expect(settings["BLOCKLIST_URL"] == "database")
    }

    @Test func bothTheVariableAndItsFileIsAnError() throws {
        let path = try Self.file("memory:\n")
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(throws: ConfigurationError.self) {
            try AuthServerConfiguration.settings(environment: ["JWT_AUTH_BLOCKLIST_URL": "memory:", "JWT_AUTH_BLOCKLIST_URL_FILE": path])
        }
    }

    /// Only secrets come from files: `JWT_AUTH_PORT_FILE` is no setting.
    @Test func settingsThatAreNoSecretHaveNoFile() throws {
        #expect(try AuthServerConfiguration.settings(environment: ["JWT_AUTH_PORT_FILE": "/nowhere"]).isEmpty)
    }
}
