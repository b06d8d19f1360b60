/// Live revocations in memory: the rules of a revocation check, shared by ``MemoryRevocationStore`` and
/// the database stores, whose copy of their tables lets a check cost no round trip.
///
/// A database store updates it after its transaction committed, never before, so it never claims less
/// than the database.
public struct RevocationIndex: Sendable {
    public private(set) var tokens: [String: Double] = [:]
    public private(set) var sessions: [String: Double] = [:]
    public private(set) var cutoffs: [String: Double] = [:]

    public init() {}

    /// The number of entries held.
    public var count: Int { tokens.count + sessions.count + cutoffs.count }

    public mutating func revoke(tokenID: String, until: Double) {
        tokens[tokenID] = max(tokens[tokenID] ?? until, until)
    }

    public mutating func revoke(sessionID: String, until: Double) {
        sessions[sessionID] = max(sessions[sessionID] ?? until, until)
    }

    public mutating func revokeAll(subject: String, issuedBefore cutoff: Double) {
        cutoffs[subject] = max(cutoffs[subject] ?? cutoff, cutoff)
    }

    /// Whether `query` is revoked at `now`: an entry counts until its time has passed; a subject's cutoff
    /// revokes tokens issued before it, and tokens without `iat`.
    public func isRevoked(_ query: RevocationQuery, now: Double) -> Bool {
        if let expiry = tokens[query.tokenID], expiry > now { return true }
        if let sid = query.sessionID, let expiry = sessions[sid], expiry > now { return true }
        if let subject = query.subject, let cutoff = cutoffs[subject] {
            // A token without iat cannot be shown to postdate the cutoff.
            guard let issuedAt = query.issuedAt else { return true }
            if issuedAt < cutoff { return true }
        }
        return false
    }

    /// Forgets the entries whose time is at or before `now`. Cutoffs have no end and stay.
    public mutating func purge(now: Double) {
        tokens = tokens.filter { $0.value > now }
        sessions = sessions.filter { $0.value > now }
    }
}
