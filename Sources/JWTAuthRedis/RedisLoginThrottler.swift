public import JWTAuthService

/// Login and registration throttling counted in Redis, so that every instance of a service shares one count:
/// N instances allow a guesser exactly the limit, not N times it.
///
/// Each key (`user:<name>`, `ip:<address>`) is a sorted set under ``keyPrefix``: one member per attempt in
/// flight (`p:<id>`) or failed (`f:<id>`), scored by the time Redis gave it. ``reserve(_:)`` is one script:
/// it drops what left the window, refuses when any key holds the limit, and otherwise takes a slot on every
/// key, all in one atomic step, with Redis's clock, so that instances whose clocks differ still agree.
///
/// When Redis cannot answer, ``reserve(_:)`` throws and the attempt is refused (`unavailable`): never counted
/// nowhere. A slot whose attempt's instance stopped, or whose release could not reach Redis, is held until it
/// leaves the window, as a failure is: the count errs towards refusing.
public struct RedisLoginThrottler: LoginThrottling {
    public let client: RedisClient
    /// Attempts that block; 0 turns throttling off.
    public let limit: Int
    /// How long a failure counts.
    public let window: Duration
    /// Put before every key. Defaults to `jwt:throttle:`.
    public let keyPrefix: String

    public init(client: RedisClient, limit: Int, window: Duration, keyPrefix: String = "jwt:throttle:") {
        self.client = client
        self.limit = limit
        self.window = window
        self.keyPrefix = keyPrefix
    }

    public func reserve(_ keys: [String]) async throws -> LoginThrottle.Decision {
        let reservation = LoginThrottle.Reservation(id: UInt64.random(in: 1...UInt64.max), keys: keys)
        guard limit > 0, !keys.isEmpty else { return .allow(reservation) }
        let reply = try await client.send(
            ["EVAL", Self.reserveScript, String(keys.count)] + keys.map(key) + [String(windowMilliseconds), String(limit), "p:\(reservation.id)"]
        )
        switch reply {
        case .integer(0): return .allow(reservation)
        case .integer(let retryAfter) where retryAfter > 0: return .reject(retryAfter: Int(retryAfter))
        default: throw RedisError.protocolError("Unexpected reply to the throttle's reserve")
        }
    }

    public func failed(_ reservation: LoginThrottle.Reservation) async {
        guard limit > 0, !reservation.keys.isEmpty else { return }
        _ = try? await client.send(
            ["EVAL", Self.failedScript, String(reservation.keys.count)] + reservation.keys.map(key)
                + [String(windowMilliseconds), "\(reservation.id)"]
        )
    }

    public func released(_ reservation: LoginThrottle.Reservation) async {
        guard limit > 0, !reservation.keys.isEmpty else { return }
        _ = try? await client.send(
            ["EVAL", Self.releasedScript, String(reservation.keys.count)] + reservation.keys.map(key) + ["p:\(reservation.id)"]
        )
    }

    public func forgive(_ key: String) async {
        guard limit > 0 else { return }
        _ = try? await client.send(["EVAL", Self.forgiveScript, "1", self.key(key)])
    }

    /// The slots `key` holds (failed or in flight, not yet out of the window), for tests and metrics.
    /// - Throws: when Redis cannot answer.
    public func held(_ key: String) async throws -> Int {
        let reply = try await client.send(["EVAL", Self.heldScript, "1", self.key(key), String(windowMilliseconds)])
        guard case .integer(let count) = reply else { throw RedisError.protocolError("Unexpected reply to the throttle's count") }
        return Int(count)
    }

    func key(_ key: String) -> String { keyPrefix + key }

    private var windowMilliseconds: Int64 {
        let (seconds, attoseconds) = window.components
        return max(1, seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }

    /// Redis's time in milliseconds, as every script's "now".
    private static let now = "local t = redis.call('TIME'); local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000); "

    /// KEYS: the throttle keys. ARGV: window (ms), limit, member. Returns 0 (a slot taken on every key) or the
    /// seconds to wait (at least 1), as ``LoginThrottle`` counts it.
    static let reserveScript =
        now + """
            local window = tonumber(ARGV[1]); local limit = tonumber(ARGV[2]); local wait = 0
            for _, key in ipairs(KEYS) do
                redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
                local held = redis.call('ZCARD', key)
                if held >= limit then
                    -- An attempt in flight frees its slot within seconds (1 is the least to wait), a failure when
                    -- it leaves the window.
                    local needed = held - limit + 1
                    local entries = redis.call('ZRANGE', key, 0, -1, 'WITHSCORES')
                    local inFlight = 0
                    local failures = {}
                    for i = 1, #entries, 2 do
                        if string.sub(entries[i], 1, 2) == 'p:' then
                            inFlight = inFlight + 1
                        else
                            failures[#failures + 1] = tonumber(entries[i + 1])
                        end
                    end
                    local seconds = 1
                    if inFlight < needed then seconds = math.ceil((failures[needed - inFlight] + window - now) / 1000) end
                    if seconds < 1 then seconds = 1 end
                    if seconds > wait then wait = seconds end
                end
            end
            if wait > 0 then return wait end
            for _, key in ipairs(KEYS) do
                redis.call('ZADD', key, now, ARGV[3])
                redis.call('PEXPIRE', key, window + 1000)
            end
            return 0
            """

    /// KEYS: the throttle keys. ARGV: window (ms), reservation id. The slot in flight becomes a failure from now.
    static let failedScript =
        now + """
            for _, key in ipairs(KEYS) do
                redis.call('ZREM', key, 'p:' .. ARGV[2])
                redis.call('ZADD', key, now, 'f:' .. ARGV[2])
                redis.call('PEXPIRE', key, tonumber(ARGV[1]) + 1000)
            end
            return 0
            """

    /// KEYS: the throttle keys. ARGV: member.
    static let releasedScript = """
        for _, key in ipairs(KEYS) do redis.call('ZREM', key, ARGV[1]) end
        return 0
        """

    /// KEYS: one throttle key. Removes its failures.
    static let forgiveScript = """
        for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
            if string.sub(member, 1, 2) == 'f:' then redis.call('ZREM', KEYS[1], member) end
        end
        return 0
        """

    /// KEYS: one throttle key. ARGV: window (ms). The members still in the window.
    static let heldScript = now + "return redis.call('ZCOUNT', KEYS[1], '(' .. (now - tonumber(ARGV[1])), '+inf')"
}
