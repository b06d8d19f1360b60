import Crypto
public import JWTAuth

/// A ``RevocationStore`` on Redis, shared by every instance of the service.
///
/// Keys, after ``keyPrefix``: `jti:<jti>` and `sid:<sid>` hold the time (seconds since 1970)
/// until which the entry counts, and expire then by Redis TTL (the remaining lifetime, rounded up); a later
/// revocation of the same key only ever lengthens it. `cutoff:<sub>` holds the latest cutoff, raised only,
/// without expiry unless ``cutoffLifetime`` is set. Checks compare the stored time with the store's clock,
/// so an entry stops counting exactly when its time passes even before Redis drops it.
///
/// ``isRevoked(_:)`` is one `MGET`; each write is one `EVAL` of a short script, so that a revocation and a cutoff
/// are each atomic across instances. Every failure is thrown (a
/// ``RedisError``), so callers fail closed with `unavailable`.
public struct RedisRevocationStore: RevocationStore {
    public let client: RedisClient
    /// Put before every key. Defaults to `jwt:`.
    public let keyPrefix: String
    /// How long a cutoff is kept after its time: give the refresh-token lifetime (plus leeway) to let
    /// cutoffs expire once every token they concern has. Defaults to nil: cutoffs never expire.
    public let cutoffLifetime: Duration?
    private let clock: JWTClock

    /// A store on `client`.
    /// - Parameter clock: What the store takes as now, for TTLs and for the times stored. Defaults to the
    ///   system clock.
    public init(client: RedisClient, keyPrefix: String = "jwt:", cutoffLifetime: Duration? = nil, clock: JWTClock = .system) {
        self.client = client
        self.keyPrefix = keyPrefix
        self.cutoffLifetime = cutoffLifetime
        self.clock = clock
    }

    public func revoke(tokenID: String, until: Double) async throws {
        guard let command = extendCommand(key("jti", tokenID), until: until) else { return }
        try await expectInteger(client.send(command), "revoke")
    }

    public func revoke(sessionID: String, until: Double) async throws {
        guard let command = extendCommand(key("sid", sessionID), until: until) else { return }
        try await expectInteger(client.send(command), "revoke")
    }

    public func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        guard let command = cutoffCommand(subject: subject, cutoff: cutoff) else { return }
        try await expectInteger(client.send(command), "revokeAll")
    }

    /// One `MGET` of the token's `jti`, `sid` and cutoff keys.
    public func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        let keys = keys(for: query)
        guard case .array(let values?) = try await client.send(["MGET"] + keys), values.count == keys.count else {
            throw RedisError.protocolError("Unexpected reply to MGET")
        }
        return try Self.isRevoked(query, values: values[...], now: clock.now)
    }

    // MARK: - Parts shared with RedisBlocklist

    /// The keys ``isRevoked(_:)`` reads for `query`, in the order ``isRevoked(_:values:now:)`` expects.
    func keys(for query: RevocationQuery) -> [String] {
        var keys = [key("jti", query.tokenID)]
        if let sessionID = query.sessionID { keys.append(key("sid", sessionID)) }
        if let subject = query.subject { keys.append(key("cutoff", subject)) }
        return keys
    }

    /// Whether `query` is revoked, from the values of ``keys(for:)``.
    static func isRevoked(_ query: RevocationQuery, values: ArraySlice<RESPValue>, now: Double) throws(RedisError) -> Bool {
        var values = values
        if let until = try time(values.popFirst()), until > now { return true }
        if query.sessionID != nil, let until = try time(values.popFirst()), until > now { return true }
        if query.subject != nil, let cutoff = try time(values.popFirst()) {
            // A token without iat cannot be shown to postdate the cutoff.
            guard let issuedAt = query.issuedAt else { return true }
            if issuedAt < cutoff { return true }
        }
        return false
    }

    /// The commands that write `snapshot` (live entries only) with `EVALSHA scriptSHA`, for refilling an empty
    /// Redis; ``extendScript`` must be loaded first.
    func commands(writing snapshot: RevocationSnapshot, scriptSHA: String) -> [[String]] {
        let evaluate = ["EVALSHA", scriptSHA]
        var commands: [[String]] = []
        commands.reserveCapacity(snapshot.count)
        for (id, until) in snapshot.tokens {
            extendCommand(key("jti", id), until: until, evaluate: evaluate).map { commands.append($0) }
        }
        for (id, until) in snapshot.sessions {
            extendCommand(key("sid", id), until: until, evaluate: evaluate).map { commands.append($0) }
        }
        for (subject, cutoff) in snapshot.cutoffs {
            cutoffCommand(subject: subject, cutoff: cutoff, evaluate: evaluate).map { commands.append($0) }
        }
        return commands
    }

    func key(_ kind: String, _ id: String) -> String { "\(keyPrefix)\(kind):\(id)" }

    // MARK: - Commands

    /// Sets `key` to `until`, expiring then, unless it holds a later time already; nil when `until` is past.
    private func extendCommand(_ key: String, until: Double, evaluate: [String] = ["EVAL", extendScript]) -> [String]? {
        let ttl = Self.seconds(from: clock.now, to: until)
        guard ttl > 0 else { return nil }  // already over: nothing left to revoke
        return evaluate + ["1", key, Self.text(until), String(ttl)]
    }

    /// Raises the cutoff of `subject` to `cutoff`; nil when it would expire at once.
    private func cutoffCommand(subject: String, cutoff: Double, evaluate: [String] = ["EVAL", extendScript]) -> [String]? {
        var ttl = 0
        if let cutoffLifetime {
            ttl = Self.seconds(from: clock.now, to: cutoff + Double(cutoffLifetime.components.seconds))
            guard ttl > 0 else { return nil }
        }
        return evaluate + ["1", key("cutoff", subject), Self.text(cutoff), String(ttl)]
    }

    private func expectInteger(_ reply: RESPValue, _ operation: String) throws(RedisError) {
        guard case .integer = reply else { throw .protocolError("Unexpected reply to \(operation)") }
    }

    /// The time a value holds; nil for a missing key.
    private static func time(_ value: RESPValue?) throws(RedisError) -> Double? {
        guard let value, !value.isNull else { return nil }
        guard let time = value.string.flatMap(Double.init), time.isFinite else {
            throw .protocolError("Malformed revocation entry")
        }
        return time
    }

    /// Whole seconds from `now` to `until`, rounded up so that an entry outlives the token; 0 when past.
    static func seconds(from now: Double, to until: Double) -> Int {
        let seconds = (until - now).rounded(.up)
        guard seconds.isFinite else { return seconds > 0 ? Int(Int32.max) : 0 }
        return seconds < Double(Int32.max) ? Int(max(seconds, 0)) : Int(Int32.max)
    }

    /// A time as Redis keeps it: a decimal that reads back as the same `Double`.
    static func text(_ time: Double) -> String { "\(time)" }

    /// KEYS[1]: the key; ARGV[1]: a time; ARGV[2]: a TTL in seconds, 0 for none. Stores the time unless the
    /// key holds a later or equal one; returns 1 when it stored it.
    static let extendScript = """
        local current = tonumber(redis.call('GET', KEYS[1]) or '')
        if current and current >= tonumber(ARGV[1]) then return 0 end
        if ARGV[2] == '0' then redis.call('SET', KEYS[1], ARGV[1]) else redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[2]) end
        return 1
        """

    /// The SHA-1 of ``extendScript``, as `EVALSHA` names it.
    static let extendScriptSHA = Insecure.SHA1.hash(data: Array(extendScript.utf8)).map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
    }.joined()
}
