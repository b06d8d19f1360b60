/// Where Redis is and how the client talks to it. Build it from a URL with ``init(url:)``.
public struct RedisConfiguration: Sendable, CustomStringConvertible {
    /// Host name or IP address. Defaults to `127.0.0.1`. Unused with ``sentinel``.
    public var host: String
    /// TCP port. Defaults to 6379. Unused with ``sentinel``.
    public var port: Int
    /// ACL user for `AUTH`; nil for the default user.
    public var username: String?
    /// Password for `AUTH`; nil to send no `AUTH`.
    public var password: String?
    /// TLS for every connection (`rediss://`). Defaults to nil: plain TCP.
    public var tls: RedisTLS?
    /// The sentinels that name the master (`redis+sentinel://`), instead of ``host`` and ``port``. Defaults
    /// to nil.
    public var sentinel: RedisSentinel?
    /// Database selected with `SELECT` on connect. Defaults to 0.
    public var database: Int
    /// Connections kept open; commands are pipelined on them. Defaults to 4.
    public var poolSize: Int
    /// How long a command waits for its reply; the connection is then closed. Defaults to 2 seconds.
    public var commandTimeout: Duration
    /// How long a connection attempt may take, `AUTH` and `SELECT` apart. Defaults to 2 seconds.
    public var connectTimeout: Duration
    /// The wait before retrying a failed connection, doubled after each failure. Defaults to 100 ms.
    public var minimumReconnectDelay: Duration
    /// The longest wait between connection attempts. Defaults to 2 seconds.
    public var maximumReconnectDelay: Duration

    public init(
        host: String = "127.0.0.1",
        port: Int = 6379,
        username: String? = nil,
        password: String? = nil,
        tls: RedisTLS? = nil,
        sentinel: RedisSentinel? = nil,
        database: Int = 0,
        poolSize: Int = 4,
        commandTimeout: Duration = .seconds(2),
        connectTimeout: Duration = .seconds(2),
        minimumReconnectDelay: Duration = .milliseconds(100),
        maximumReconnectDelay: Duration = .seconds(2)
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.tls = tls
        self.sentinel = sentinel
        self.database = database
        self.poolSize = poolSize
        self.commandTimeout = commandTimeout
        self.connectTimeout = connectTimeout
        self.minimumReconnectDelay = minimumReconnectDelay
        self.maximumReconnectDelay = maximumReconnectDelay
    }

    /// The wait before the next connection attempt after `failures` failed ones in a row: none after none, then
    /// ``minimumReconnectDelay`` doubled for each further failure, at most ``maximumReconnectDelay``.
    public func reconnectDelay(afterFailures failures: Int) -> Duration {
        guard failures > 0 else { return .zero }
        var delay = minimumReconnectDelay
        for _ in 1..<min(failures, 64) where delay < maximumReconnectDelay { delay *= 2 }
        return min(delay, maximumReconnectDelay)
    }

    /// The scheme, address and database, never a password.
    public var description: String {
        let user = username.map { "\($0)@" } ?? (password == nil ? "" : "(password)@")
        let scheme = (tls == nil ? "redis" : "rediss") + (sentinel == nil ? "" : "+sentinel")
        guard let sentinel else { return "\(scheme)://\(user)\(Self.hostText(host)):\(port)/\(database)" }
        let nodes = sentinel.nodes.map(\.description).joined(separator: ",")
        return "\(scheme)://\(user)\(nodes)/\(sentinel.masterName)/\(database)"
    }

    static func hostText(_ host: String) -> String { host.contains(":") ? "[\(host)]" : host }
}
