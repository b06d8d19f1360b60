import JWTAuth

/// A setting that cannot be used; its description is the one line `jwt-auth serve` prints before
/// exiting with status 2. It never repeats a secret.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The environment variable at fault, e.g. `JWT_AUTH_PORT`.
    public let setting: String
    public let message: String
    public var description: String { "\(setting): \(message)" }
}

extension AuthServerConfiguration {
    /// Every setting name, as in `JWT_AUTH_<NAME>` and `--<name>` (lower case, `_` as `-`).
    public static let settingNames: [String] = Setting.all.map(\.name)

    /// The settings given in `environment` (`JWT_AUTH_*` variables), overridden by `flags` (keyed by
    /// setting name, e.g. `PORT`). A secret may instead come from the file its `JWT_AUTH_<NAME>_FILE`
    /// names (`JWT_AUTH_SECRET_FILE`, `JWT_AUTH_DATABASE_URL_FILE`, `JWT_AUTH_BLOCKLIST_URL_FILE`,
    /// `JWT_AUTH_INTROSPECTION_CLIENTS_FILE`): the file's text, one trailing line break removed.
    /// - Throws: ``ConfigurationError`` naming the `_FILE` variable when its file cannot be read, or when
    ///   the variable itself is given too.
    public static func settings(environment: [String: String], flags: [String: String] = [:]) throws(ConfigurationError) -> [String: String] {
        var settings: [String: String] = [:]
        for setting in Setting.all {
            let value = environment[setting.environmentVariable]
            if let fileVariable = setting.fileVariable, let path = environment[fileVariable] {
                guard value == nil else {
                    throw ConfigurationError(
                        setting: fileVariable,
                        message: "give either \(setting.environmentVariable) or \(fileVariable), not both"
                    )
                }
                do throws(SecretFile.Unreadable) {
                    settings[setting.name] = try SecretFile.read(path)
                } catch {
                    throw ConfigurationError(setting: fileVariable, message: error.reason)
                }
            } else if let value {
                settings[setting.name] = value
            }
        }
        settings.merge(flags) { _, flag in flag }
        return settings
    }

    /// A configuration from settings keyed by name (`PORT`, `ACCESS_TTL`, …); absent ones keep their defaults.
    /// - Throws: ``ConfigurationError`` for the first setting that cannot be used.
    public init(settings: [String: String]) throws(ConfigurationError) {
        self.init()
        for setting in Setting.all {
            guard let value = settings[setting.name] else { continue }
            do throws(Setting.Invalid) {
                try setting.apply(value, &self)
            } catch {
                throw ConfigurationError(setting: setting.environmentVariable, message: error.message)
            }
        }
        try checkCombination()
    }

    /// The rules between settings: one signing key source, and an algorithm that fits it.
    private func checkCombination() throws(ConfigurationError) {
        guard secret == nil || keyFile == nil else {
            throw ConfigurationError(setting: "JWT_AUTH_KEY_FILE", message: "give either JWT_AUTH_SECRET or JWT_AUTH_KEY_FILE, not both")
        }
        if let algorithm, algorithm.family == .hmac, secret == nil, keyFile == nil {
            throw ConfigurationError(setting: "JWT_AUTH_SECRET", message: "\(algorithm) needs a secret")
        }
        if secret != nil, let algorithm, algorithm.family != .hmac {
            throw ConfigurationError(
                setting: "JWT_AUTH_ALGORITHM",
                message: "\(algorithm) cannot be used with JWT_AUTH_SECRET; use HS256, HS384 or HS512"
            )
        }
    }

    /// Seconds from `900`, `900s`, `15m`, `12h` or `7d`.
    static func parseDuration(_ text: String) -> Int64? {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(text)
        var multiplier: Int64 = 1
        if let last = text.last, let unit = units[last] {
            multiplier = unit
            digits = digits.dropLast()
        }
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), let value = Int64(digits) else { return nil }
        let (result, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : result
    }
}
