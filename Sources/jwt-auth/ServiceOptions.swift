import ArgumentParser
import AuthServer
import Foundation

/// The settings of the service as flags; each also reads `JWT_AUTH_<NAME>`, and a flag wins.
struct ServiceOptions: ParsableArguments {
    @Option(help: "HMAC secret (its UTF-8 bytes; base64: prefix for binary). Env: JWT_AUTH_SECRET.")
    var secret: String?
    @Option(name: .customLong("key-file"), help: "PEM or JWK private key file. Env: JWT_AUTH_KEY_FILE.")
    var keyFile: String?
    @Option(help: "Signing algorithm (default ES256 with a generated key). Env: JWT_AUTH_ALGORITHM.")
    var algorithm: String?
    @Option(name: .customLong("allow-weak-secret"), help: "Accept an HMAC secret under 32 bytes (true/false).")
    var allowWeakSecret: String?
    @Option(name: .customLong("access-ttl"), help: "Access token lifetime: 900, 15m, 12h, 7d (default 15m).")
    var accessTTL: String?
    @Option(name: .customLong("refresh-ttl"), help: "Refresh token lifetime (default 7d).")
    var refreshTTL: String?
    @Option(help: "Clock skew tolerated on exp/nbf/iat (default 0).")
    var leeway: String?
    @Option(help: "iss written into and required of tokens.")
    var issuer: String?
    @Option(help: "aud written into and required of tokens.")
    var audience: String?
    @Option(name: .customLong("token-location"), help: "Comma list of headers,cookies,query,json (default headers).")
    var tokenLocation: String?
    @Option(name: .customLong("cookie-secure"), help: "Secure cookies (true/false, default false).")
    var cookieSecure: String?
    @Option(name: .customLong("data-dir"), help: "Data directory (default ./data).")
    var dataDir: String?
    @Option(
        name: .customLong("database-url"),
        help: "sqlite:PATH or postgres://USER:PASSWORD@HOST:PORT/DB?sslmode=… (default sqlite:<data dir>/auth.sqlite)."
    )
    var databaseURL: String?
    @Option(name: .customLong("blocklist-url"), help: "memory: or database (default the database).")
    var blocklistURL: String?
    @Option(name: .customLong("bcrypt-cost"), help: "bcrypt cost 4...31 (default 12).")
    var bcryptCost: String?
    @Option(help: "open or closed (default open).")
    var registration: String?
    @Option(name: .customLong("login-attempts"), help: "Failed logins before throttling; 0 turns it off (default 5).")
    var loginAttempts: String?
    @Option(name: .customLong("login-window"), help: "How long a failed login counts (default 15m).")
    var loginWindow: String?
    @Option(
        name: .customLong("register-attempts"),
        help: "Registrations per client address within the login window; 0 turns the limit off (default 10)."
    )
    var registerAttempts: String?
    @Option(name: .customLong("trusted-proxies"), help: "Addresses or CIDR ranges whose X-Forwarded-For/Forwarded is believed (default none).")
    var trustedProxies: String?
    @Option(name: .customLong("idle-timeout"), help: "Time for a request's head, then its body, and idle time between requests (default 30s).")
    var idleTimeout: String?
    @Option(name: .customLong("max-connections"), help: "Connections served at once; more are closed at once (default 10000).")
    var maxConnections: String?
    @Option(name: .customLong("bcrypt-queue"), help: "Password hashes that may wait; past it logins and registrations get 503 (default 64).")
    var bcryptQueue: String?
    @Option(help: "Address to listen on (default 127.0.0.1).")
    var host: String?
    @Option(help: "Port to listen on (default 8080; 0 picks a free one).")
    var port: String?
    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error, critical (default info).")
    var logLevel: String?
    @Option(name: .customLong("introspection-clients"), help: "id:secret pairs allowed to call /auth/introspect.")
    var introspectionClients: String?
    @Option(help: "Serve the web site: /login, /, /logout, /register (true/false, default true).")
    var web: String?

    /// The configuration from the environment and these flags; a bad setting prints one line and exits 2.
    func configuration() throws -> AuthServerConfiguration {
        let flags: [String: String?] = [
            "SECRET": secret, "KEY_FILE": keyFile, "ALGORITHM": algorithm, "ALLOW_WEAK_SECRET": allowWeakSecret,
            "ACCESS_TTL": accessTTL, "REFRESH_TTL": refreshTTL, "LEEWAY": leeway, "ISSUER": issuer, "AUDIENCE": audience,
            "TOKEN_LOCATION": tokenLocation, "COOKIE_SECURE": cookieSecure, "DATA_DIR": dataDir, "DATABASE_URL": databaseURL,
            "BLOCKLIST_URL": blocklistURL, "BCRYPT_COST": bcryptCost, "REGISTRATION": registration,
            "LOGIN_ATTEMPTS": loginAttempts, "LOGIN_WINDOW": loginWindow, "REGISTER_ATTEMPTS": registerAttempts,
            "TRUSTED_PROXIES": trustedProxies, "IDLE_TIMEOUT": idleTimeout, "MAX_CONNECTIONS": maxConnections,
            "BCRYPT_QUEUE": bcryptQueue, "HOST": host, "PORT": port, "LOG_LEVEL": logLevel,
            "INTROSPECTION_CLIENTS": introspectionClients, "WEB": web,
        ]
        let settings = AuthServerConfiguration.settings(environment: ProcessInfo.processInfo.environment, flags: flags.compactMapValues { $0 })
        do {
            return try AuthServerConfiguration(settings: settings)
        } catch {
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(2)
        }
    }
}
