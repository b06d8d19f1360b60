import ArgumentParser
import AuthServer
import Foundation

/// Flags of settings (generated into `ServiceOptions.swift` from the settings table: one `@Option(setting:)`
/// property per setting, named by ``Setting/propertyName``); every setting is also read from its
/// `JWT_AUTH_<NAME>` variable, and a flag wins.
protocol SettingOptions: ParsableArguments {}

extension SettingOptions {
    /// The flags given, keyed by setting name (`PORT`): each `@Option(setting:)` property that has a value.
    var flags: [String: String] {
        var flags: [String: String] = [:]
        for child in Mirror(reflecting: self).children {
            guard let setting = Setting.all.first(where: { "_" + $0.propertyName == child.label }) else { continue }
            if let option = child.value as? Option<String?>, let value = option.wrappedValue {
                flags[setting.name] = value
            } else if let flag = child.value as? Flag<Bool?>, let value = flag.wrappedValue {
                flags[setting.name] = value ? "true" : "false"
            }
        }
        return flags
    }

    /// The configuration from the environment and these flags; a bad setting prints one line and exits 2.
    func configuration() throws -> AuthServerConfiguration {
        do throws(ConfigurationError) {
            let settings = try AuthServerConfiguration.settings(environment: ProcessInfo.processInfo.environment, flags: flags)
            return try AuthServerConfiguration(settings: settings)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}

extension Option where Value == String? {
    /// The flag `--<name>` of the setting `name`, with the table's help, default and environment variable.
    init(setting name: String) {
        guard let setting = Setting.named(name) else { preconditionFailure("\(name) is not in the settings table") }
        self.init(name: .customLong(setting.flagName), help: ArgumentHelp(setting.helpWithDefault, valueName: setting.valueName))
    }
}

extension Flag where Value == Bool? {
    /// The flags `--<name>` and `--no-<name>` of the boolean setting `name`; nil when neither is given.
    init(setting name: String) {
        guard let setting = Setting.named(name), setting.isFlag else { preconditionFailure("\(name) is not a boolean setting") }
        self.init(name: .customLong(setting.flagName), inversion: .prefixedNo, help: ArgumentHelp(setting.helpWithDefault))
    }
}
