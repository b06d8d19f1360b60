public import JWTAuth

/// A ``RevocationStore`` on Redis, shared by every instance of the service; entries expire by Redis TTL.
///
/// Keys, after ``keyPrefix``: `jti:<jti>` and `sid:<sid>` (value `1`, expiring at the revocation's `until`,
/// never shortened by a later, earlier one); `spent:<jti>` (set once with `SET … NX EX`); `cutoff:<sub>` (the
/// latest cutoff, raised only, without expiry unless ``cutoffLifetime`` is set). ``isRevoked(_:)`` is one
/// `MGET`. Every failure is thrown, so callers fail closed.
public struct RedisRevocationStore: RevocationStore {
    public let client: RedisClient
    /// Put before every key. Defaults to `jwt:`.
    public let keyPrefix: String
    /// How long a cutoff is kept after its time: give the refresh-token lifetime to let cutoffs expire once
    /// every token they concern has. Defaults to nil: cutoffs never expire.
    public let cutoffLifetime: Duration?
    private let clock: JWTClock

    /// A store on `client`.
    /// - Parameter clock: Where the remaining lifetime of an entry (its TTL) is read from. Defaults to the
    ///   system clock.
    public init(client: RedisClient, keyPrefix: String = "jwt:", cutoffLifetime: Duration? = nil, clock: JWTClock = .system) {
        self.client = client
        self.keyPrefix = keyPrefix
        self.cutoffLifetime = cutoffLifetime
        self.clock = clock
    }

    public func revoke(tokenID: String, until: Double) async throws {
        try await extend(key("jti", tokenID), until: until)
    }

    public func revoke(sessionID: String, until: Double) async throws {
        try await extend(key("sid", sessionID), until: until)
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        var ttl = 0
        if let cutoffLifetime {
            let seconds = remainingSeconds(until: cutoff + Double(cutoffLifetime.components.seconds))
            guard seconds > 0 else { return }
            ttl = seconds
        }
        _ = try await client.send(["EVAL", Self.raiseCutoff, "1", key("cutoff", subject), String(cutoff), String(ttl)])
    }

    /// One `SET spent:<jti> 1 NX EX <ttl>`: true iff Redis answers `OK`.
    public func spend(refreshTokenID: String, until: Double) async throws -> Bool {
        let ttl = max(1, remainingSeconds(until: until))
        let reply = try await client.send(["SET", key("spent", refreshTokenID), "1", "NX", "EX", String(ttl)])
        if reply == .simpleString("OK") { return true }
        if reply.isNull { return false }
        throw RedisError.protocolError("Unexpected reply to SET NX")
    }

    /// One `MGET` of the token's `jti`, `sid` and cutoff keys.
    public func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        var keys = [key("jti", query.tokenID)]
        if let sessionID = query.sessionID { keys.append(key("sid", sessionID)) }
        if let subject = query.subject { keys.append(key("cutoff", subject)) }
        guard case .array(let values?) = try await client.send(["MGET"] + keys), values.count == keys.count else {
            throw RedisError.protocolError("Unexpected reply to MGET")
        }
        if !values[0].isNull { return true }
        if query.sessionID != nil, !values[1].isNull { return true }
        if query.subject != nil, let last = values.last, !last.isNull {
            guard let cutoff = last.string.flatMap(Double.init) else { throw RedisError.protocolError("Malformed cutoff") }
            // A token without iat cannot be shown to postdate the cutoff.
            guard let issuedAt = query.issuedAt else { return true }
            if issuedAt < cutoff { return true }
        }
        return false
    }

    /// Sets `key` to expire at `until`, unless it already lives at least as long.
    private func extend(_ key: String, until: Double) async throws {
        let seconds = remainingSeconds(until: until)
        guard seconds > 0 else { return }  // already over: nothing left to revoke
        _ = try await client.send(["EVAL", Self.extendExpiry, "1", key, String(seconds)])
    }

    private func key(_ kind: String, _ id: String) -> String { "\(keyPrefix)\(kind):\(id)" }

    /// Whole seconds from now to `until`, rounded up so that an entry outlives the token.
    private func remainingSeconds(until: Double) -> Int {
        let seconds = (until - clock.now).rounded(.up)
        return seconds < Double(Int32.max) ? Int(max(seconds, 0)) : Int(Int32.max)
    }

    /// KEYS[1]: the key; ARGV[1]: its TTL in seconds. Sets it unless it lives at least as long already.
    static let extendExpiry = """
        local ttl = redis.call('PTTL', KEYS[1])
        if ttl == -1 or ttl >= tonumber(ARGV[1]) * 1000 then return 0 end
        redis.call('SET', KEYS[1], '1', 'EX', ARGV[1])
        return 1
        """

    /// KEYS[1]: the cutoff key; ARGV[1]: the cutoff; ARGV[2]: its TTL in seconds, 0 for none. Raises only.
    static let raiseCutoff = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '')
        if current and current >= tonumber(ARGV[1]) then return 0 end
        if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1]) else redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
        return 1
        """
}
