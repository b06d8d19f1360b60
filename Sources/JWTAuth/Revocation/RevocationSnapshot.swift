/// The live revocations of a database store, with their ids: what refills a shared blocklist (Redis) that
/// lost its data. `SQLiteStore.revocationSnapshot()` and `PostgresStore.revocationSnapshot()` read it from
/// their tables.
///
/// Times are seconds since 1970, as the store was given them.
public struct RevocationSnapshot: Sendable, Hashable {
    /// Revoked `jti`s and the time until which each counts.
    public var tokens: [String: Double]
    /// Revoked `sid`s and the time until which each counts.
    public var sessions: [String: Double]
    /// Subjects and the cutoff before which their tokens are revoked.
    public var cutoffs: [String: Double]

    /// A snapshot of these entries.
    public init(tokens: [String: Double] = [:], sessions: [String: Double] = [:], cutoffs: [String: Double] = [:]) {
        self.tokens = tokens
        self.sessions = sessions
        self.cutoffs = cutoffs
    }

    /// The number of entries.
    public var count: Int { tokens.count + sessions.count + cutoffs.count }

    /// Adds an entry, keeping the later time when the id has one already.
    package mutating func insert(_ kind: RevocationKind, _ id: String, _ time: Double) {
        switch kind {
        case .token: tokens[id] = max(tokens[id] ?? time, time)
        case .session: sessions[id] = max(sessions[id] ?? time, time)
        case .cutoff: cutoffs[id] = max(cutoffs[id] ?? time, time)
        }
    }
}
