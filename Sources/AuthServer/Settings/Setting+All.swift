import JWTAuth
import JWTAuthHummingbird
import JWTAuthPostgres
import JWTAuthRedis
import Logging

extension Setting {
    /// Every setting, in the order they are read: the first one that cannot be used is the one reported.
    /// `DATA_DIR` comes before `DATABASE_URL`, whose default it moves.
    package static let all: [Setting] = [
        .text("SECRET", "secret", help: "HMAC secret: its UTF-8 bytes, or base64:… for binary; selects HS256") { $0.secret = $1 }
            .readableFromFile(),
        .text("KEY_FILE", "file", help: "PEM or JWK private key file") { $0.keyFile = $1 },
        Setting(
            "ALGORITHM",
            "alg",
            default: "ES256 with a generated key; HS256 with a secret",
            help: "Signing algorithm",
            commands: [.serve, .keysRotate]
        ) { value, configuration throws(Invalid) in
            guard let algorithm = SigningAlgorithm(name: value) else {
                throw Invalid("expected one of \(SigningAlgorithm.all.map(\.name).joined(separator: ", "))")
            }
            configuration.algorithm = algorithm
        },
        .bool("ALLOW_WEAK_SECRET", default: false, help: "Accept an HMAC secret under 32 bytes") { $0.allowWeakSecret = $1 },
        .text(
            "ENCRYPTION_KEY",
            "file",
            help:
                "Key file that makes every token a nested JWT (JWE): 32 raw bytes or an oct JWK (dir, A256GCM), EC/OKP (ECDH-ES+A256KW), RSA (RSA-OAEP-256)"
        ) { $0.encryptionKeyFile = $1 },
        .duration("ACCESS_TTL", default: "15m", help: "Access token lifetime", commands: [.serve, .users, .usersAdd]) {
            $0.tokens.accessTokenLifetime = $1
        },
        .duration("REFRESH_TTL", default: "7d", help: "Refresh token lifetime", commands: [.serve, .users, .usersAdd]) {
            $0.tokens.refreshTokenLifetime = $1
        },
        .duration("LEEWAY", default: "0", help: "Clock skew tolerated on exp, nbf and iat", commands: [.serve, .users, .usersAdd], allowsZero: true) {
            $0.tokens.leeway = $1
        },
        .text("ISSUER", "iss", help: "iss written into and required of tokens") { $0.tokens.issuer = $1 },
        .text("AUDIENCE", "aud", help: "aud written into and required of tokens") { $0.tokens.audience = $1 },
        Setting(
            "TOKEN_LOCATION",
            "list",
            default: "headers",
            help: "Where the JSON API looks for tokens: a comma list of headers, cookies, query, json"
        ) { value, configuration throws(Invalid) in
            var locations: [TokenLocation] = []
            for name in value.split(separator: ",").map({ $0.trimmingSpaces() }) {
                guard let location = TokenLocation(name: name) else { throw Invalid("expected a comma list of headers, cookies, query, json") }
                if !locations.contains(location) { locations.append(location) }
            }
            guard !locations.isEmpty else { throw Invalid("expected at least one location") }
            configuration.tokenLocations = locations
        },
        .bool("COOKIE_SECURE", default: false, help: "Mark cookies Secure (HTTPS only)") { $0.cookieSecure = $1 },
        Setting("DATA_DIR", "directory", default: "./data", help: "Data directory: the SQLite database and the generated keys", commands: .store) {
            value,
            configuration throws(Invalid) in
            guard !value.isEmpty else { throw Invalid("expected a directory") }
            configuration.dataDirectory = value
            configuration.database = .sqlite(path: value + "/auth.sqlite")
        },
        Setting(
            "DATABASE_URL",
            "url",
            default: "sqlite:<data dir>/auth.sqlite",
            help: "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…",
            commands: .store,
            apply: applyDatabaseURL
        ).readableFromFile(),
        Setting(
            "BLOCKLIST_URL",
            "url",
            default: "database",
            help:
                "Where revocations are checked: database, memory:, redis://[user:password@]host[:port][/db], rediss://… (TLS) or redis+sentinel://[user:password@]host:port,host:port,…/MASTER[/db] (rediss+sentinel:// for TLS)",
            commands: [.serve, .users, .usersAdd],
            apply: applyBlocklistURL
        ).readableFromFile(),
        Setting(
            "REDIS_CA_FILE",
            "file",
            default: nil,
            help: "PEM bundle of the CAs trusted for a rediss:// blocklist; unset, the system's trust store",
            commands: [.serve, .users, .usersAdd]
        ) { value, configuration throws(Invalid) in
            configuration.redisCAFile = value.isEmpty ? nil : value
            if !value.isEmpty { try requireTLSBlocklist(configuration) }
        },
        Setting(
            "REDIS_SERVER_NAME",
            "name",
            default: nil,
            help: "Name sent as SNI and verified in the certificate of a rediss:// blocklist, when not the URL's host (e.g. connecting by IP)",
            commands: [.serve, .users, .usersAdd]
        ) { value, configuration throws(Invalid) in
            guard !value.isEmpty else {
                configuration.redisServerName = nil
                return
            }
            // An IP address is verified against the certificate's IP addresses without this setting.
            guard !value.contains(":"), !value.allSatisfy({ $0 == "." || $0.isNumber }) else {
                throw Invalid("expected a host name, not an IP address")
            }
            configuration.redisServerName = value
            try requireTLSBlocklist(configuration)
        },
        .integer("BCRYPT_COST", 4...31, default: 12, help: "bcrypt cost of password hashes", commands: [.serve, .usersAdd]) {
            $0.bcryptCost = UInt8($1)
        },
        Setting("REGISTRATION", "open|closed", default: "open", help: "Whether POST /auth/register creates users") {
            value,
            configuration throws(Invalid) in
            switch value.lowercased() {
            case "open": configuration.isRegistrationOpen = true
            case "closed": configuration.isRegistrationOpen = false
            default: throw Invalid("expected open or closed")
            }
        },
        .integer("LOGIN_ATTEMPTS", 0...1_000_000, default: 5, help: "Failed logins before throttling; 0 turns it off") { $0.loginAttempts = $1 },
        .duration("LOGIN_WINDOW", default: "15m", help: "How long a failed login counts") { $0.loginWindow = $1 },
        .integer(
            "REGISTER_ATTEMPTS",
            0...1_000_000,
            default: 10,
            help: "Registrations per client address within the login window; 0 turns the limit off"
        ) { $0.registerAttempts = $1 },
        Setting(
            "TRUSTED_PROXIES",
            "list",
            default: nil,
            help: "Addresses or CIDR ranges whose X-Forwarded-For and Forwarded headers are believed"
        ) { value, configuration throws(Invalid) in
            do throws(TrustedProxies.InvalidEntry) {
                configuration.trustedProxies = try TrustedProxies(value)
            } catch {
                throw Invalid("\(error.entry) is not an IP address or CIDR range (expected e.g. 10.0.0.0/8,::1)")
            }
        },
        .duration("IDLE_TIMEOUT", default: "30s", help: "Time for a request's head, then its body, and idle time between requests") {
            $0.idleTimeout = $1
        },
        .integer("MAX_CONNECTIONS", 1...1_000_000, default: 10_000, help: "Connections served at once; more are closed at once") {
            $0.maxConnections = $1
        },
        .integer("BCRYPT_QUEUE", 0...1_000_000, default: 64, help: "Password hashes that may wait; past it logins and registrations get 503") {
            $0.bcryptQueue = $1
        },
        Setting("HOST", "address", default: "127.0.0.1", help: "Address to listen on") { value, configuration throws(Invalid) in
            guard !value.isEmpty else { throw Invalid("expected a host name or address") }
            configuration.host = value
        },
        .integer("PORT", 0...65535, default: 8080, help: "Port to listen on; 0 picks a free one") { $0.port = $1 },
        Setting("LOG_LEVEL", "level", default: "info", help: "trace, debug, info, notice, warning, error or critical") {
            value,
            configuration throws(Invalid) in
            guard let level = Logger.Level(rawValue: value.lowercased()) else {
                throw Invalid("expected trace, debug, info, notice, warning, error or critical")
            }
            configuration.logLevel = level
        },
        Setting("LOG_FORMAT", "text|json", default: "text", help: "Log lines as text, or as one JSON object per line") {
            value,
            configuration throws(Invalid) in
            guard let format = LogFormat(name: value) else { throw Invalid("expected text or json") }
            configuration.logFormat = format
        },
        .bool("ACCESS_LOG", default: false, help: "Log each request: method, path, status, duration, request id, client") {
            $0.isAccessLogEnabled = $1
        },
        Setting(
            "INTROSPECTION_CLIENTS",
            "id:secret,…",
            default: nil,
            help: "Clients allowed to call POST /auth/introspect, each secret at least 16 bytes"
        ) { value, configuration throws(Invalid) in
            for entry in value.split(separator: ",") {
                let parts = entry.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, !parts[0].isEmpty, parts[1].utf8.count >= 16 else {
                    throw Invalid("expected id:secret pairs separated by commas, each secret at least 16 bytes")
                }
                configuration.introspectionClients[String(parts[0])] = String(parts[1])
            }
        }
        .readableFromFile(),
        Setting(
            "METRICS_ADDRESS",
            "host:port",
            default: nil,
            help: "Serve /metrics only on this address (the main port then answers 404 for it)"
        ) { value, configuration throws(Invalid) in
            guard !value.isEmpty else {
                configuration.metricsAddress = nil
                return
            }
            guard let address = ListenAddress(value) else { throw Invalid("expected host:port, such as 127.0.0.1:9090") }
            configuration.metricsAddress = address
        },
        Setting(
            "CORS_ORIGINS",
            "list",
            default: nil,
            help: "Origins (scheme://host[:port], comma-separated) whose browser apps may call the JSON API with credentials"
        ) { value, configuration throws(Invalid) in
            var origins: [String] = []
            for entry in value.split(separator: ",").map({ $0.trimmingSpaces() }) where !entry.isEmpty {
                guard isOrigin(entry) else {
                    throw Invalid("expected origins such as https://app.example.com: scheme://host[:port], no path, not *")
                }
                if !origins.contains(entry) { origins.append(entry) }
            }
            configuration.corsOrigins = origins
        },
        .bool("WEB", default: true, help: "Serve the web site: /login, /, /logout, /register") { $0.isWebSiteEnabled = $1 },
    ]

    /// `http://host[:port]` or `https://host[:port]`, as a browser sends it in `Origin`.
    private static func isOrigin(_ text: String) -> Bool {
        guard let separator = text.firstRange(of: "://"), ["http", "https"].contains(text[..<separator.lowerBound]) else { return false }
        let authority = text[separator.upperBound...]
        let forbidden: Set<Character> = ["/", "?", "#", "@", "*", " "]
        return !authority.isEmpty && !authority.contains(where: forbidden.contains) && !authority.hasSuffix(":")
    }

    private static func applyDatabaseURL(_ url: String, _ configuration: inout AuthServerConfiguration) throws(Invalid) {
        if url.hasPrefix("sqlite:") {
            var path = String(url.dropFirst("sqlite:".count))
            if path.hasPrefix("//") { path.removeFirst(2) }
            guard !path.isEmpty else { throw Invalid("expected sqlite:PATH") }
            configuration.database = .sqlite(path: path)
        } else if url.hasPrefix("postgres://") || url.hasPrefix("postgresql://") {
            do {
                _ = try PostgresURL(url)
            } catch {
                throw Invalid((error as? PostgresURL.InvalidURL)?.description ?? "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")
            }
            configuration.database = .postgres(url: url)
        } else {
            throw Invalid("expected sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
    }

    /// The TLS settings of Redis apply to a `rediss://` or `rediss+sentinel://` blocklist only.
    private static func requireTLSBlocklist(_ configuration: AuthServerConfiguration) throws(Invalid) {
        guard case .redis(let url) = configuration.blocklist, url.lowercased().hasPrefix("rediss") else {
            throw Invalid("needs a rediss:// or rediss+sentinel:// blocklist URL")
        }
    }

    private static func applyBlocklistURL(_ url: String, _ configuration: inout AuthServerConfiguration) throws(Invalid) {
        switch url {
        case "", "database", "sqlite", "db": configuration.blocklist = .database
        case "memory:", "memory": configuration.blocklist = .memory
        default:
            guard url.lowercased().hasPrefix("redis") else {
                throw Invalid("expected memory:, database, redis://, rediss://, redis+sentinel:// or rediss+sentinel://")
            }
            do throws(RedisError) { _ = try RedisConfiguration(url: url) } catch { throw Invalid(error.message) }
            configuration.blocklist = .redis(url: url)
        }
    }
}

extension Substring {
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
