/// Live revocations in memory: the rules of a revocation check, shared by ``MemoryRevocationStore`` and
/// the database stores, whose copy of their tables lets a check cost no round trip.
///
/// Compact: an entry is a ``RevocationKey`` (16 bytes) and a time in whole seconds (4 bytes), about 20 to
/// 55 bytes in all with the dictionary's free slots, whatever the id's length. The ids themselves are not
/// kept: a copy that needs them (to refill Redis) is read from the database (``RevocationSnapshot``).
/// Times are rounded up to the second, so an entry never ends earlier than asked; a time past
/// 2106-02-07 (the end of `UInt32` seconds) is kept as that date.
///
/// A database store updates it after its transaction committed, never before, so it never claims less
/// than the database.
package struct RevocationIndex: Sendable {
    package private(set) var tokens: [RevocationKey: UInt32] = [:]
    package private(set) var sessions: [RevocationKey: UInt32] = [:]
    package private(set) var cutoffs: [RevocationKey: UInt32] = [:]

    package init() {}

    /// The number of entries held.
    package var count: Int { tokens.count + sessions.count + cutoffs.count }

    package mutating func revoke(tokenID: String, until: Double) {
        insert(.token, RevocationKey(tokenID), Self.seconds(until))
    }

    package mutating func revoke(sessionID: String, until: Double) {
        insert(.session, RevocationKey(sessionID), Self.seconds(until))
    }

    package mutating func revokeAll(subject: String, issuedBefore cutoff: Double) {
        insert(.cutoff, RevocationKey(subject), Self.seconds(cutoff))
    }

    /// Adds an entry, keeping the later time when the key has one already.
    package mutating func insert(_ kind: RevocationKind, _ key: RevocationKey, _ time: UInt32) {
        switch kind {
        case .token: Self.raise(&tokens, key, time)
        case .session: Self.raise(&sessions, key, time)
        case .cutoff: Self.raise(&cutoffs, key, time)
        }
    }

    /// Whether `query` is revoked at `now`: an entry counts until its time has passed; a subject's cutoff
    /// revokes tokens issued before it, and tokens without `iat`.
    package func isRevoked(_ query: RevocationQuery, now: Double) -> Bool {
        if !tokens.isEmpty, let expiry = tokens[RevocationKey(query.tokenID)], Double(expiry) > now { return true }
        if !sessions.isEmpty, let sid = query.sessionID, let expiry = sessions[RevocationKey(sid)], Double(expiry) > now {
            return true
        }
        if !cutoffs.isEmpty, let subject = query.subject, let cutoff = cutoffs[RevocationKey(subject)] {
            // A token without iat cannot be shown to postdate the cutoff.
            guard let issuedAt = query.issuedAt else { return true }
            if issuedAt < Double(cutoff) { return true }
        }
        return false
    }

    /// Forgets the entries whose time is at or before `now`. Cutoffs have no end and stay.
    package mutating func purge(now: Double) {
        Self.purge(&tokens, now: now)
        Self.purge(&sessions, now: now)
    }

    /// `time` in whole seconds, rounded up; 0 for a time at or before 1970, `UInt32.max` past it or for NaN
    /// (never shorter than asked).
    package static func seconds(_ time: Double) -> UInt32 {
        guard time < Double(UInt32.max) else { return .max }  // NaN too
        guard time > 0 else { return 0 }
        return UInt32(time.rounded(.up))
    }

    private static func raise(_ table: inout [RevocationKey: UInt32], _ key: RevocationKey, _ time: UInt32) {
        table[key] = max(table[key] ?? time, time)
    }

    /// Removes in place when few entries went (no second table), rebuilds smaller when most did.
    private static func purge(_ table: inout [RevocationKey: UInt32], now: Double) {
        var expired: [RevocationKey] = []
        for (key, time) in table where Double(time) <= now { expired.append(key) }
        if expired.count > table.count / 2 {
            table = table.filter { Double($0.value) > now }
        } else {
            for key in expired { table.removeValue(forKey: key) }
        }
    }
}

/// What a revocation entry revokes: a `jti`, a `sid`, or a subject's tokens issued before a cutoff.
package enum RevocationKind: Sendable, Hashable {
    case token
    case session
    case cutoff
}
