public import JWTAuth
public import JWTAuthHummingbird
public import Logging

/// Every setting of `jwt-auth serve`, with its default. Each is the environment variable
/// `JWT_AUTH_<NAME>` and the flag `--<name>`; see ``init(settings:)``.
public struct AuthServerConfiguration: Sendable {
    /// Where the stores keep users, revocations and sessions.
    public enum Database: Sendable, Equatable {
        /// An SQLite file (the embedded default: `<data dir>/auth.sqlite`).
        case sqlite(path: String)
        /// A PostgreSQL database (`postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=…`), shared by several
        /// instances. Its description never shows the password.
        case postgres(url: String)
    }

    /// Where revocations are checked on each request.
    public enum Blocklist: Sendable, Equatable {
        /// The database, through its in-memory index (the default).
        case database
        /// This process's memory only: revocations are lost on restart.
        case memory
        /// Redis at `redis://[user:password@]host[:port][/db]` (`rediss://` for TLS, `redis+sentinel://` for
        /// the master that Redis Sentinel names), in front of the database: revocations are
        /// written to both, checks read Redis, and an emptied Redis is refilled from the database.
        case redis(url: String)
    }

    /// The HMAC secret (`SECRET`); set, it selects HS256 unless `algorithm` says otherwise.
    public var secret: String?
    /// A PEM or JWK private key file (`KEY_FILE`).
    public var keyFile: String?
    /// The signing algorithm (`ALGORITHM`). Defaults to ES256 with a key generated into the data directory.
    public var algorithm: SigningAlgorithm?
    /// Whether an HMAC secret under 32 bytes is accepted (`ALLOW_WEAK_SECRET`). Defaults to false.
    public var allowWeakSecret: Bool
    /// A private or symmetric key file (`ENCRYPTION_KEY`): every token issued is then a nested JWT encrypted to it,
    /// and only such tokens are accepted. Defaults to none.
    public var encryptionKeyFile: String?
    /// Lifetimes and checks of tokens (`ACCESS_TTL` 15m, `REFRESH_TTL` 7d, `LEEWAY` 0, `ISSUER`, `AUDIENCE`).
    public var tokens: TokenConfiguration
    /// Where the JSON API looks for tokens (`TOKEN_LOCATION`). Defaults to `headers`.
    public var tokenLocations: [TokenLocation]
    /// Whether cookies are `Secure` (`COOKIE_SECURE`). Defaults to false.
    public var cookieSecure: Bool
    /// The data directory (`DATA_DIR`). Defaults to `./data`.
    public var dataDirectory: String
    /// The database (`DATABASE_URL`). Defaults to `sqlite:<data dir>/auth.sqlite`.
    public var database: Database
    /// The blocklist (`BLOCKLIST_URL`). Defaults to the database.
    public var blocklist: Blocklist
    /// The CAs (a PEM file) trusted for a `rediss://` blocklist (`REDIS_CA_FILE`). Defaults to the system's trust store.
    public var redisCAFile: String?
    /// The name verified in a `rediss://` blocklist's certificate and sent as SNI (`REDIS_SERVER_NAME`). Defaults
    /// to the URL's host.
    public var redisServerName: String?
    /// The bcrypt cost (`BCRYPT_COST`). Defaults to 12.
    public var bcryptCost: UInt8
    /// Whether `POST /auth/register` creates users (`REGISTRATION`: `open` or `closed`). Defaults to open.
    public var isRegistrationOpen: Bool
    /// Failed logins that trigger throttling (`LOGIN_ATTEMPTS`; 0 turns it off). Defaults to 5.
    public var loginAttempts: Int
    /// How long a failed login counts (`LOGIN_WINDOW`). Defaults to 15 minutes.
    public var loginWindow: Duration
    /// Registrations allowed per client address within `loginWindow` (`REGISTER_ATTEMPTS`; 0 turns the
    /// limit off). Defaults to 10.
    public var registerAttempts: Int
    /// Proxies whose `X-Forwarded-For` and `Forwarded` headers name the client (`TRUSTED_PROXIES`:
    /// addresses or CIDR ranges, comma-separated). Defaults to none: the client is the peer.
    public var trustedProxies: TrustedProxies
    /// How long a request's head, and then its body, may take to arrive, and how long a connection may
    /// stay idle between requests (`IDLE_TIMEOUT`). Defaults to 30 seconds.
    public var idleTimeout: Duration
    /// Connections served at once (`MAX_CONNECTIONS`); one more is accepted and closed at once.
    /// Defaults to 10,000.
    public var maxConnections: Int
    /// Password hashes that may wait for the bcrypt pool (`BCRYPT_QUEUE`); past it, logins and
    /// registrations get 503 with `Retry-After: 1`. Defaults to 64.
    public var bcryptQueue: Int
    /// The address to listen on (`HOST`, `PORT`). Defaults to 127.0.0.1:8080.
    public var host: String
    public var port: Int
    /// The log level (`LOG_LEVEL`). Defaults to info.
    public var logLevel: Logger.Level
    /// How log lines are written (`LOG_FORMAT`: `text` or `json`). Defaults to text.
    public var logFormat: LogFormat
    /// Whether each request is logged at info: method, path without its query, status, duration, request id
    /// and client address (`ACCESS_LOG`). Defaults to false.
    public var isAccessLogEnabled: Bool
    /// Clients allowed to call `POST /auth/introspect`, id → secret (`INTROSPECTION_CLIENTS`:
    /// `id:secret,id2:secret2`). Defaults to none.
    public var introspectionClients: [String: String]
    /// Where `/metrics` is served (`METRICS_ADDRESS`, `host:port`): set, only there, and the main port
    /// answers 404 for it. Defaults to nil: `/metrics` on the main port.
    public var metricsAddress: ListenAddress?
    /// Origins whose browser apps may call the JSON API with credentials (`CORS_ORIGINS`: exact origins
    /// such as `https://app.example.com`, comma-separated). Defaults to none: no CORS headers.
    public var corsOrigins: [String]
    /// Whether the web site (`/login`, `/`, `/logout`, `/register`) is served (`WEB`). Defaults to true.
    public var isWebSiteEnabled: Bool

    public init(
        secret: String? = nil,
        keyFile: String? = nil,
        algorithm: SigningAlgorithm? = nil,
        allowWeakSecret: Bool = false,
        encryptionKeyFile: String? = nil,
        tokens: TokenConfiguration = TokenConfiguration(includesCSRFClaim: true),
        tokenLocations: [TokenLocation] = [.headers],
        cookieSecure: Bool = false,
        dataDirectory: String = "./data",
        database: Database? = nil,
        blocklist: Blocklist = .database,
        redisCAFile: String? = nil,
        redisServerName: String? = nil,
        bcryptCost: UInt8 = 12,
        isRegistrationOpen: Bool = true,
        loginAttempts: Int = 5,
        loginWindow: Duration = .seconds(15 * 60),
        registerAttempts: Int = 10,
        trustedProxies: TrustedProxies = TrustedProxies(),
        idleTimeout: Duration = .seconds(30),
        maxConnections: Int = 10_000,
        bcryptQueue: Int = 64,
        host: String = "127.0.0.1",
        port: Int = 8080,
        logLevel: Logger.Level = .info,
        logFormat: LogFormat = .text,
        isAccessLogEnabled: Bool = false,
        metricsAddress: ListenAddress? = nil,
        corsOrigins: [String] = [],
        introspectionClients: [String: String] = [:],
        isWebSiteEnabled: Bool = true
    ) {
        self.secret = secret
        self.keyFile = keyFile
        self.algorithm = algorithm
        self.allowWeakSecret = allowWeakSecret
        self.encryptionKeyFile = encryptionKeyFile
        self.tokens = tokens
        self.tokenLocations = tokenLocations
        self.cookieSecure = cookieSecure
        self.dataDirectory = dataDirectory
        self.database = database ?? .sqlite(path: dataDirectory + "/auth.sqlite")
        self.blocklist = blocklist
        self.redisCAFile = redisCAFile
        self.redisServerName = redisServerName
        self.bcryptCost = bcryptCost
        self.isRegistrationOpen = isRegistrationOpen
        self.loginAttempts = loginAttempts
        self.loginWindow = loginWindow
        self.registerAttempts = registerAttempts
        self.trustedProxies = trustedProxies
        self.idleTimeout = idleTimeout
        self.maxConnections = maxConnections
        self.bcryptQueue = bcryptQueue
        self.host = host
        self.port = port
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.isAccessLogEnabled = isAccessLogEnabled
        self.metricsAddress = metricsAddress
        self.corsOrigins = corsOrigins
        self.introspectionClients = introspectionClients
        self.isWebSiteEnabled = isWebSiteEnabled
    }
}
