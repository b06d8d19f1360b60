/// One setting of `jwt-auth serve`, declared once: its name (the environment variable `JWT_AUTH_<NAME>` and
/// the flag `--<name>`), the value it takes, its default, its help, the commands that read it, and how it
/// changes an ``AuthServerConfiguration``. ``all`` lists every setting; the flags, `--help`, the parser and
/// `docs/settings.md` come from it.
package struct Setting: Sendable {
    /// The commands whose flags include a setting (every command reads all of them from the environment).
    package struct Commands: OptionSet, Sendable {
        package let rawValue: Int
        package init(rawValue: Int) { self.rawValue = rawValue }

        package static let serve = Self(rawValue: 1 << 0)
        /// `users list`, `disable`, `enable`, `rename`, `delete`.
        package static let users = Self(rawValue: 1 << 1)
        /// `users add`, `passwd`.
        package static let usersAdd = Self(rawValue: 1 << 2)
        /// `keys list`, `retire`.
        package static let keys = Self(rawValue: 1 << 3)
        package static let keysRotate = Self(rawValue: 1 << 4)
        /// Every command that opens the service's database.
        package static let store: Self = [.serve, .users, .usersAdd, .keys, .keysRotate]
    }

    /// Why a value cannot be used; never repeats the value of a secret.
    package struct Invalid: Error {
        package let message: String
        package init(_ message: String) { self.message = message }
    }

    /// `ACCESS_TTL`.
    package let name: String
    /// What the value is, as `--help` shows it: `duration`, `true|false`, `n`, `url`, …
    package let valueName: String
    /// The default, as the help shows it; `nil` when unset by default.
    package let defaultValue: String?
    package let help: String
    package let commands: Commands
    /// Whether the value may also come from a file named by `JWT_AUTH_<NAME>_FILE` (secrets: the
    /// container-secrets convention).
    package private(set) var isReadableFromFile = false
    /// Sets the value on a configuration, or throws when it cannot be used.
    package let apply: @Sendable (_ value: String, _ configuration: inout AuthServerConfiguration) throws(Invalid) -> Void

    package init(
        _ name: String,
        _ valueName: String,
        default defaultValue: String?,
        help: String,
        commands: Commands = .serve,
        apply: @escaping @Sendable (_ value: String, _ configuration: inout AuthServerConfiguration) throws(Invalid) -> Void
    ) {
        self.name = name
        self.valueName = valueName
        self.defaultValue = defaultValue
        self.help = help
        self.commands = commands
        self.apply = apply
    }

    /// `JWT_AUTH_ACCESS_TTL`.
    package var environmentVariable: String { "JWT_AUTH_" + name }
    /// `JWT_AUTH_SECRET_FILE`, for a setting that may come from a file.
    package var fileVariable: String? { isReadableFromFile ? environmentVariable + "_FILE" : nil }
    /// Whether the setting is a boolean: its flags are `--<name>` and `--no-<name>`, taking no value.
    package var isFlag: Bool { valueName == "true|false" }
    /// `--access-ttl <duration>`, or `--web`/`--no-web` for a boolean, as the help shows the flag.
    package var flagUsage: String { isFlag ? "--\(flagName)`/`--no-\(flagName)" : "--\(flagName) <\(valueName)>" }
    /// `access-ttl`, the flag without its dashes.
    package var flagName: String { name.lowercased().replacing("_", with: "-") }
    /// `accessTTL` for `ACCESS_TTL`, `databaseURL` for `DATABASE_URL`: the name of the setting's property in a
    /// command's options.
    package var propertyName: String {
        let words = name.split(separator: "_").enumerated().map { index, word in
            if index > 0, ["URL", "TTL"].contains(word) { return String(word) }
            return index == 0 ? word.lowercased() : word.prefix(1) + word.dropFirst().lowercased()
        }
        return words.joined()
    }
    /// The help line of the flag: the meaning, the default and the environment variable.
    package var helpWithDefault: String {
        let variables = fileVariable.map { "\(environmentVariable) or \($0)" } ?? environmentVariable
        return defaultValue.map { "\(help) (default \($0); env \(variables))" } ?? "\(help) (env \(variables))"
    }

    /// The setting, its value also read from the file `JWT_AUTH_<NAME>_FILE` names.
    func readableFromFile() -> Setting {
        var setting = self
        setting.isReadableFromFile = true
        return setting
    }

    /// The setting named `name` (`PORT`).
    package static func named(_ name: String) -> Setting? {
        all.first { $0.name == name }
    }
}

extension Setting {
    /// Text taken as is; an empty value means none.
    static func text(
        _ name: String,
        _ valueName: String,
        help: String,
        commands: Commands = .serve,
        _ set: @escaping @Sendable (inout AuthServerConfiguration, String?) -> Void
    ) -> Setting {
        Setting(name, valueName, default: nil, help: help, commands: commands) { value, configuration in
            set(&configuration, value.isEmpty ? nil : value)
        }
    }

    /// Plain seconds (`900`) or with a unit (`900s`, `15m`, `12h`, `7d`); zero only when `allowsZero`.
    static func duration(
        _ name: String,
        default defaultValue: String,
        help: String,
        commands: Commands = .serve,
        allowsZero: Bool = false,
        _ set: @escaping @Sendable (inout AuthServerConfiguration, Duration) -> Void
    ) -> Setting {
        Setting(name, "duration", default: defaultValue, help: help, commands: commands) { value, configuration throws(Invalid) in
            guard let seconds = AuthServerConfiguration.parseDuration(value), seconds >= 0, allowsZero || seconds > 0 else {
                throw Invalid("expected a duration such as 900, 900s, 15m, 12h or 7d")
            }
            set(&configuration, .seconds(seconds))
        }
    }

    /// `true`, `1`, `yes`, `on` or `false`, `0`, `no`, `off`, in any case.
    static func bool(
        _ name: String,
        default defaultValue: Bool,
        help: String,
        _ set: @escaping @Sendable (inout AuthServerConfiguration, Bool) -> Void
    ) -> Setting {
        Setting(name, "true|false", default: "\(defaultValue)", help: help) { value, configuration throws(Invalid) in
            switch value.lowercased() {
            case "true", "1", "yes", "on": set(&configuration, true)
            case "false", "0", "no", "off": set(&configuration, false)
            default: throw Invalid("expected true or false")
            }
        }
    }

    /// A whole number within `range`.
    static func integer(
        _ name: String,
        _ range: ClosedRange<Int>,
        default defaultValue: Int,
        help: String,
        commands: Commands = .serve,
        _ set: @escaping @Sendable (inout AuthServerConfiguration, Int) -> Void
    ) -> Setting {
        Setting(name, "n", default: "\(defaultValue)", help: help, commands: commands) { value, configuration throws(Invalid) in
            guard let number = Int(value), range.contains(number) else {
                throw Invalid("expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            set(&configuration, number)
        }
    }
}
