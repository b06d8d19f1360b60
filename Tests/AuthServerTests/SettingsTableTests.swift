import AuthServer
import Foundation
import JWTAuth
import Testing

/// The settings table is the one declaration of every setting: the parser, the command-line flags
/// (`Sources/jwt-auth/ServiceOptions.swift`, generated) and `docs/settings.md` (generated) follow it.
/// A stale generated file fails here; `JWT_AUTH_REGENERATE=1 swift test --filter SettingsTableTests` rewrites it.
@Suite struct SettingsTableTests {
    /// The option groups of the command line, each with the commands whose flags it holds.
    static let optionGroups: [(name: String, summary: String, commands: Setting.Commands)] = [
        ("ServiceOptions", "The settings of `jwt-auth serve`, every one of them.", .serve),
        ("UserStoreOptions", "The settings of `jwt-auth users list`, `disable`, `enable`, `rename` and `delete`.", .users),
        ("NewUserOptions", "The settings of `jwt-auth users add` and `users passwd`.", .usersAdd),
        ("KeyStoreOptions", "The settings of `jwt-auth keys list` and `keys retire`.", .keys),
        ("KeyRotationOptions", "The settings of `jwt-auth keys rotate`.", .keysRotate),
    ]

    @Test func docsSettingsIsCurrent() throws {
        try Self.expectCurrent("docs/settings.md", Setting.markdown)
        for name in AuthServerConfiguration.settingNames + ["WEB", "INTROSPECTION_CLIENTS"] {
            #expect(Setting.markdown.contains("`JWT_AUTH_\(name)`"))
        }
    }

    @Test func commandLineOptionsAreCurrent() throws {
        try Self.expectCurrent("Sources/jwt-auth/ServiceOptions.swift", Self.optionsSource)
    }

    @Test func everySettingIsDeclaredOnceAndServeTakesIt() {
        let names = Setting.all.map(\.name)
        #expect(Set(names).count == names.count)
        #expect(Setting.all.allSatisfy { $0.commands.contains(.serve) })
        #expect(Setting.all.allSatisfy { !$0.help.isEmpty && $0.name == $0.name.uppercased() })
    }

    /// A value no setting accepts (a secret-looking one) names the setting and is never repeated, except by
    /// the settings that take any text.
    @Test(arguments: Setting.all.map(\.name))
    func aBadValueNamesItsSettingWithoutRepeatingIt(name: String) throws {
        let anyText: Set = ["SECRET", "KEY_FILE", "ENCRYPTION_KEY", "ISSUER", "AUDIENCE", "DATA_DIR", "HOST"]
        guard !anyText.contains(name) else { return }
        let value = "s3cr3tXYZ-value"
        do {
            _ = try AuthServerConfiguration(settings: [name: value])
            Issue.record("\(name)=\(value) was accepted")
        } catch {
            #expect(error.setting == "JWT_AUTH_\(name)")
            #expect(!error.description.contains("s3cr3tXYZ") || name == "TRUSTED_PROXIES")
        }
    }

    @Test func defaultsAreTheConfigurationsDefaults() throws {
        let configuration = try AuthServerConfiguration(settings: [:])
        #expect(Setting.named("PORT")?.defaultValue == "\(configuration.port)")
        #expect(Setting.named("HOST")?.defaultValue == configuration.host)
        #expect(Setting.named("BCRYPT_COST")?.defaultValue == "\(configuration.bcryptCost)")
        #expect(Setting.named("DATA_DIR")?.defaultValue == configuration.dataDirectory)
        #expect(Setting.named("MAX_CONNECTIONS")?.defaultValue == "\(configuration.maxConnections)")
        #expect(Setting.named("WEB")?.defaultValue == "\(configuration.isWebSiteEnabled)")
        let parsed = try AuthServerConfiguration(settings: ["ACCESS_TTL": "15m", "REFRESH_TTL": "7d", "IDLE_TIMEOUT": "30s", "LOGIN_WINDOW": "15m"])
        #expect(parsed.tokens.accessTokenLifetime == configuration.tokens.accessTokenLifetime)
        #expect(parsed.tokens.refreshTokenLifetime == configuration.tokens.refreshTokenLifetime)
        #expect(parsed.idleTimeout == configuration.idleTimeout)
        #expect(parsed.loginWindow == configuration.loginWindow)
    }

    @Test func dataDirectoryMovesTheDefaultDatabaseButNotAGivenOne() throws {
        #expect(try AuthServerConfiguration(settings: ["DATA_DIR": "/d"]).database == .sqlite(path: "/d/auth.sqlite"))
        #expect(try AuthServerConfiguration(settings: ["DATA_DIR": "/d", "DATABASE_URL": "sqlite:/e.db"]).database == .sqlite(path: "/e.db"))
    }

    // MARK: - Generation

    /// `Sources/jwt-auth/ServiceOptions.swift`: one `ParsableArguments` per option group, one flag per setting.
    static var optionsSource: String {
        var lines = [
            "// Generated from the settings table (Sources/AuthServer/Settings/Setting+All.swift) by SettingsTableTests,",
            "// which fails while this file is stale: JWT_AUTH_REGENERATE=1 swift test --filter SettingsTableTests",
            "",
            "import ArgumentParser",
        ]
        for group in optionGroups {
            let settings = Setting.all.filter { $0.commands.contains(group.commands) }
            lines += ["", "/// \(group.summary)", "struct \(group.name): SettingOptions {"]
            for setting in settings {
                let kind = setting.isFlag ? "Flag" : "Option"
                lines.append("    @\(kind)(setting: \"\(setting.name)\") var \(setting.propertyName): \(setting.isFlag ? "Bool" : "String")?")
            }
            lines.append("}")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func expectCurrent(_ path: String, _ expected: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let url = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appending(path: path)
        let current = try? String(contentsOf: url, encoding: .utf8)
        guard current != expected else { return }
        if ProcessInfo.processInfo.environment["JWT_AUTH_REGENERATE"] == "1" {
            try Data(expected.utf8).write(to: url)
        } else {
            Issue.record(
                "\(path) is stale: run JWT_AUTH_REGENERATE=1 swift test --filter SettingsTableTests",
                sourceLocation: sourceLocation
            )
        }
    }
}
