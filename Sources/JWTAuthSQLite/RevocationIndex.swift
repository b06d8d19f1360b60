import JWTAuth

/// The live revocations in memory, so that a revocation check costs no database round trip.
///
/// It mirrors the tables: each write updates it after its transaction committed, never before, so it never
/// claims less than the database.
struct RevocationIndex: Sendable {
    var tokens: [String: Double] = [:]
    var sessions: [String: Double] = [:]
    var cutoffs: [String: Double] = [:]

    /// The number of entries held.
    var count: Int { tokens.count + sessions.count + cutoffs.count }

    mutating func revoke(tokenID: String, until: Double) {
        tokens[tokenID] = max(tokens[tokenID] ?? until, until)
    }

    mutating func revoke(sessionID: String, until: Double) {
        sessions[sessionID] = max(sessions[sessionID] ?? until, until)
    }

    mutating func revokeAll(subject: String, issuedBefore cutoff: Double) {
        cutoffs[subject] = max(cutoffs[subject] ?? cutoff, cutoff)
    }

    /// The same rules as `MemoryRevocationStore`: an entry counts until its time has passed.
    func isRevoked(_ query: RevocationQuery, now: Double) -> Bool {
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
    mutating func purge(now: Double) {
        tokens = tokens.filter { $0.value > now }
        sessions = sessions.filter { $0.value > now }
    }
}
