import JWTAuth
import JWTAuthHummingbird
import JWTAuthPostgres
import JWTAuthRedis
import Logging

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
    public static let settingNames: [String] = [
        "SECRET", "KEY_FILE", "ALGORITHM", "ALLOW_WEAK_SECRET", "ACCESS_TTL", "REFRESH_TTL", "LEEWAY", "ISSUER", "AUDIENCE",
        "TOKEN_LOCATION", "COOKIE_SECURE", "DATA_DIR", "DATABASE_URL", "BLOCKLIST_URL", "BCRYPT_COST", "REGISTRATION",
        "LOGIN_ATTEMPTS", "LOGIN_WINDOW", "REGISTER_ATTEMPTS", "TRUSTED_PROXIES", "IDLE_TIMEOUT", "MAX_CONNECTIONS",
        "BCRYPT_QUEUE", "HOST", "PORT", "LOG_LEVEL", "INTROSPECTION_CLIENTS", "WEB",
    ]

    /// The settings given in `environment` (`JWT_AUTH_*` variables), overridden by `flags` (keyed by
    /// setting name, e.g. `PORT`).
    public static func settings(environment: [String: String], flags: [String: String] = [:]) -> [String: String] {
        var settings: [String: String] = [:]
        for name in settingNames {
            if let value = environment["JWT_AUTH_" + name] { settings[name] = value }
        }
        settings.merge(flags) { _, flag in flag }
        return settings
    }

    /// A configuration from settings keyed by name (`PORT`, `ACCESS_TTL`, …); absent ones keep their defaults.
    /// - Throws: ``ConfigurationError`` for the first setting that cannot be used.
    public init(settings: [String: String]) throws(ConfigurationError) {
        self.init()
        func fail(_ name: String, _ message: String) -> ConfigurationError {
            ConfigurationError(setting: "JWT_AUTH_" + name, message: message)
        }
        func duration(_ name: String, allowZero: Bool = false) throws(ConfigurationError) -> Duration? {
            guard let text = settings[name] else { return nil }
            guard let seconds = Self.parseDuration(text), seconds >= 0, allowZero || seconds > 0 else {
                throw fail(name, "expected a duration such as 900, 900s, 15m, 12h or 7d")
            }
            return .seconds(seconds)
        }
        func bool(_ name: String) throws(ConfigurationError) -> Bool? {
            guard let text = settings[name] else { return nil }
            switch text.lowercased() {
            case "true", "1", "yes", "on": return true
            case "false", "0", "no", "off": return false
            default: throw fail(name, "expected true or false")
            }
        }
        func integer(_ name: String, _ range: ClosedRange<Int>) throws(ConfigurationError) -> Int? {
            guard let text = settings[name] else { return nil }
            guard let value = Int(text), range.contains(value) else {
                throw fail(name, "expected a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return value
        }

        secret = settings["SECRET"].flatMap { $0.isEmpty ? nil : $0 }
        keyFile = settings["KEY_FILE"].flatMap { $0.isEmpty ? nil : $0 }
        if let name = settings["ALGORITHM"] {
            guard let algorithm = SigningAlgorithm(name: name) else {
                throw fail("ALGORITHM", "expected one of \(SigningAlgorithm.all.map(\.name).joined(separator: ", "))")
            }
            self.algorithm = algorithm
        }
        guard secret == nil || keyFile == nil else { throw fail("KEY_FILE", "give either JWT_AUTH_SECRET or JWT_AUTH_KEY_FILE, not both") }
        allowWeakSecret = try bool("ALLOW_WEAK_SECRET") ?? false
        if let ttl = try duration("ACCESS_TTL") { tokens.accessTokenLifetime = ttl }
        if let ttl = try duration("REFRESH_TTL") { tokens.refreshTokenLifetime = ttl }
        if let leeway = try duration("LEEWAY", allowZero: true) { tokens.leeway = leeway }
        tokens.issuer = settings["ISSUER"].flatMap { $0.isEmpty ? nil : $0 }
        tokens.audience = settings["AUDIENCE"].flatMap { $0.isEmpty ? nil : $0 }
        if let list = settings["TOKEN_LOCATION"] {
            var locations: [TokenLocation] = []
            for name in list.split(separator: ",").map({ $0.trimmingSpaces() }) {
                guard let location = TokenLocation(name: name) else {
                    throw fail("TOKEN_LOCATION", "expected a comma list of headers, cookies, query, json")
                }
                if !locations.contains(location) { locations.append(location) }
            }
            guard !locations.isEmpty else { throw fail("TOKEN_LOCATION", "expected at least one location") }
            tokenLocations = locations
        }
        tokens.includesCSRFClaim = true
        cookieSecure = try bool("COOKIE_SECURE") ?? false
        if let directory = settings["DATA_DIR"] {
            guard !directory.isEmpty else { throw fail("DATA_DIR", "expected a directory") }
            dataDirectory = directory
        }
        database = .sqlite(path: dataDirectory + "/auth.sqlite")
        if let url = settings["DATABASE_URL"] {
            if url.hasPrefix("sqlite:") {
                var path = String(url.dropFirst("sqlite:".count))
                if path.hasPrefix("//") { path.removeFirst(2) }
                guard !path.isEmpty else { throw fail("DATABASE_URL", "expected sqlite:PATH") }
                database = .sqlite(path: path)
            } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
                do {
                    _ = try PostgresURL(url)
                } catch {
                    throw fail(
                        "DATABASE_URL",
                        (error as? PostgresURL.InvalidURL)?.description ?? "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE"
                    )
                }
                database = .postgres(url: url)
            } else {
                throw fail("DATABASE_URL", "expected sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
            }
        }
        if let url = settings["BLOCKLIST_URL"] {
            switch url {
            case "", "database", "sqlite", "db": blocklist = .database
            case "memory:", "memory": blocklist = .memory
            default:
                guard url.lowercased().hasPrefix("redis://") else { throw fail("BLOCKLIST_URL", "expected memory:, database or redis://") }
                do throws(RedisError) { _ = try RedisConfiguration(url: url) } catch { throw fail("BLOCKLIST_URL", error.message) }
                blocklist = .redis(url: url)
            }
        }
        if let cost = try integer("BCRYPT_COST", 4...31) { bcryptCost = UInt8(cost) }
        if let registration = settings["REGISTRATION"] {
            switch registration.lowercased() {
            case "open": isRegistrationOpen = true
            case "closed": isRegistrationOpen = false
            default: throw fail("REGISTRATION", "expected open or closed")
            }
        }
        if let attempts = try integer("LOGIN_ATTEMPTS", 0...1_000_000) { loginAttempts = attempts }
        if let window = try duration("LOGIN_WINDOW") { loginWindow = window }
        if let attempts = try integer("REGISTER_ATTEMPTS", 0...1_000_000) { registerAttempts = attempts }
        if let list = settings["TRUSTED_PROXIES"] {
            do throws(TrustedProxies.InvalidEntry) {
                trustedProxies = try TrustedProxies(list)
            } catch {
                throw fail("TRUSTED_PROXIES", "\(error.entry) is not an IP address or CIDR range (expected e.g. 10.0.0.0/8,::1)")
            }
        }
        if let timeout = try duration("IDLE_TIMEOUT") { idleTimeout = timeout }
        if let connections = try integer("MAX_CONNECTIONS", 1...1_000_000) { maxConnections = connections }
        if let queue = try integer("BCRYPT_QUEUE", 0...1_000_000) { bcryptQueue = queue }
        if let host = settings["HOST"] {
            guard !host.isEmpty else { throw fail("HOST", "expected a host name or address") }
            self.host = host
        }
        if let port = try integer("PORT", 0...65535) { self.port = port }
        if let level = settings["LOG_LEVEL"] {
            guard let parsed = Logger.Level(rawValue: level.lowercased()) else {
                throw fail("LOG_LEVEL", "expected trace, debug, info, notice, warning, error or critical")
            }
            logLevel = parsed
        }
        if let list = settings["INTROSPECTION_CLIENTS"] {
            for entry in list.split(separator: ",") {
                let parts = entry.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.count >= 16 else {
                    throw fail("INTROSPECTION_CLIENTS", "expected id:secret pairs separated by commas, each secret at least 16 bytes")
                }
                introspectionClients[String(parts[0])] = String(parts[1])
            }
        }
        isWebSiteEnabled = try bool("WEB") ?? true
        if let algorithm, algorithm.family == .hmac, secret == nil, keyFile == nil {
            throw fail("SECRET", "\(algorithm) needs a secret")
        }
        if secret != nil, let algorithm, algorithm.family != .hmac {
            throw fail("ALGORITHM", "\(algorithm) cannot be used with JWT_AUTH_SECRET; use HS256, HS384 or HS512")
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

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
