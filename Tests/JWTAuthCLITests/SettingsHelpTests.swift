import Foundation
import Testing

/// Each command's `--help` shows the flags of the settings it uses, from the settings table; `docs/settings.md`
/// (generated from the same table, and checked by SettingsTableTests) names every setting.
@Suite struct SettingsHelpTests {
    /// Every `JWT_AUTH_*` variable that `docs/settings.md` lists.
    static let documentedVariables: [String] = {
        let url = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: "docs/settings.md")
        let text = (try? String(contentsOf: url, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("| `JWT_AUTH_") else { return nil }
            return String(line.dropFirst(3).prefix { $0 != "`" })
        }
    }()

    @Test func serveHelpListsEverySettingWithItsVariableAndFlag() throws {
        let variables = Self.documentedVariables
        #expect(variables.count >= 28)
        #expect(variables.contains("JWT_AUTH_WEB") && variables.contains("JWT_AUTH_INTROSPECTION_CLIENTS"))
        let help = try CLISandbox().run(["serve", "--help"])
        #expect(help.status == 0)
        for variable in variables {
            let flag = "--" + variable.dropFirst("JWT_AUTH_".count).lowercased().replacing("_", with: "-")
            #expect(help.stdout.contains(variable), "\(variable) is missing from serve --help")
            #expect(help.stdout.contains(flag + " ") || help.stdout.contains(flag + "/--no-"), "\(flag) is missing from serve --help")
        }
        let unwrapped = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(unwrapped.contains("--port <n> Port to listen on; 0 picks a free one (default 8080; env JWT_AUTH_PORT)"))
    }

    @Test(arguments: [
        (["users", "list"], ["--data-dir", "--database-url", "--blocklist-url"], ["--port", "--secret", "--bcrypt-cost", "--web"]),
        (["users", "add"], ["--data-dir", "--database-url", "--bcrypt-cost"], ["--port", "--secret", "--host"]),
        (["users", "disable"], ["--data-dir", "--database-url"], ["--port", "--bcrypt-cost"]),
        (["keys", "list"], ["--data-dir", "--database-url"], ["--port", "--algorithm", "--blocklist-url", "--bcrypt-cost"]),
        (["keys", "retire"], ["--data-dir", "--database-url"], ["--port", "--algorithm"]),
        (["keys", "rotate"], ["--data-dir", "--database-url", "--algorithm"], ["--port", "--secret", "--bcrypt-cost"]),
    ])
    func usersAndKeysShowOnlyTheSettingsTheyUse(command: [String], shown: [String], hidden: [String]) throws {
        let help = try CLISandbox().run(command + ["--help"])
        #expect(help.status == 0)
        for flag in shown { #expect(help.stdout.contains(flag + " "), "\(command) --help lacks \(flag)") }
        for flag in hidden { #expect(!help.stdout.contains(flag + " "), "\(command) --help shows \(flag)") }
    }

    @Test func aServeFlagThatUsersListDoesNotTakeIsAUsageError() throws {
        let result = try CLISandbox().run(["users", "list", "--port", "8081"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("Error: "))
    }

    /// The commands still read every variable: a bad one stops them with the one line naming it.
    @Test func usersCommandsReadTheEnvironmentAndNameABadSetting() throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(["users", "list"], environment: ["JWT_AUTH_DATABASE_URL": "mysql://u:s3cr3tXYZ@h/d"])
        #expect(result.status == 2)
        #expect(result.stderr.hasPrefix("JWT_AUTH_DATABASE_URL: "))
        #expect(!result.stderr.contains("s3cr3tXYZ"))
        #expect(result.stderr.split(separator: "\n").count == 1)
    }
}
