import FoundationEssentials
import JWTAuth
import Synchronization

/// The revocation check of every request: `MemoryRevocationStore.isRevoked` (whose index `SQLiteStore` checks
/// too), empty and with a million revoked `jti`s and a thousand user cutoffs, beside the same check over
/// `[String: Double]` dictionaries (``StringKeyedStore``, the index as it was before it packed ids into
/// 128 bits). The query is a request's: a `jti` and `sid` (lowercase UUIDs, as `TokenIssuer` makes them),
/// `sub` and `iat`, not revoked unless the row says so; the same query again and again (its table slots stay
/// in the CPU's cache), or 4,096 different ones in turn, as different requests' tokens (they do not).
struct RevocationSuite: Sendable {
    let revocations: Int
    let store: MemoryRevocationStore
    let empty: MemoryRevocationStore
    let strings: StringKeyedStore
    let emptyStrings: StringKeyedStore
    let fine: RevocationQuery
    let revoked: RevocationQuery
    /// Different tokens, none revoked.
    let many: [RevocationQuery]

    init(revocations: Int) async throws {
        self.revocations = revocations
        let now = JWTClock.system.now
        (store, empty) = (MemoryRevocationStore(), MemoryRevocationStore())
        (strings, emptyStrings) = (StringKeyedStore(), StringKeyedStore())
        var last = ""
        for _ in 0..<revocations {
            last = UUID().uuidString.lowercased()
            await store.revoke(tokenID: last, until: now + 3600)
            strings.revoke(tokenID: last, until: now + 3600)
        }
        for user in 1...1000 {
            await store.revokeAll(subject: String(user), issuedBefore: now - 60)
            strings.revokeAll(subject: String(user), issuedBefore: now - 60)
        }
        fine = RevocationQuery(tokenID: UUID().uuidString.lowercased(), sessionID: UUID().uuidString.lowercased(), subject: "42", issuedAt: now)
        revoked = RevocationQuery(tokenID: last, sessionID: fine.sessionID, subject: "42", issuedAt: now)
        many = (0..<4096).map { user in
            let (jti, sid) = (UUID().uuidString.lowercased(), UUID().uuidString.lowercased())
            return RevocationQuery(tokenID: jti, sessionID: sid, subject: String(user % 2000), issuedAt: now)
        }
        for (name, check) in [("fine", !(await store.isRevoked(fine))), ("revoked", await store.isRevoked(revoked))] where !check {
            throw UsageError(message: "revocation: the \(name) query gets the wrong answer")
        }
    }

    func rows(_ harness: Harness) async throws -> [Row] {
        func check(_ store: MemoryRevocationStore, _ query: RevocationQuery) -> Workload {
            .async { n in for _ in 0..<n { Sink.consume(await store.isRevoked(query) ? 1 : 0) } }
        }
        func check(_ store: StringKeyedStore, _ query: RevocationQuery) -> Workload {
            .async { n in for _ in 0..<n { Sink.consume(await store.isRevoked(query) ? 1 : 0) } }
        }
        let many = many
        let checkMany: Workload = .async { [store] n in
            for index in 0..<n { Sink.consume(await store.isRevoked(many[index & 4095]) ? 1 : 0) }
        }
        let checkManyStrings: Workload = .async { [strings] n in
            for index in 0..<n { Sink.consume(await strings.isRevoked(many[index & 4095]) ? 1 : 0) }
        }
        let results = try await harness.measure([
            check(empty, fine), check(emptyStrings, fine), check(store, fine), check(strings, fine), check(store, revoked),
            check(strings, revoked), checkMany, checkManyStrings,
        ])
        let full = "\(revocations / 1000)k jtis + 1k cutoffs"
        return [
            Row(algorithm: "revocation", operation: "isRevoked, empty store", ours: results[0]),
            Row(algorithm: "revocation", operation: "isRevoked, empty, String keys", ours: results[1]),
            Row(algorithm: "revocation", operation: "isRevoked, \(full), not revoked", ours: results[2]),
            Row(algorithm: "revocation", operation: "isRevoked, \(full), not revoked, String keys", ours: results[3]),
            Row(algorithm: "revocation", operation: "isRevoked, \(full), revoked jti", ours: results[4]),
            Row(algorithm: "revocation", operation: "isRevoked, \(full), revoked jti, String keys", ours: results[5]),
            Row(algorithm: "revocation", operation: "isRevoked, \(full), 4,096 tokens in turn", ours: results[6]),
            Row(algorithm: "revocation", operation: "isRevoked, \(full), 4,096 tokens in turn, String keys", ours: results[7]),
        ]
    }
}

/// `MemoryRevocationStore`'s check as it was with `[String: Double]` dictionaries: the baseline of the rows
/// marked "String keys" (a clock read, a lock, up to three lookups of the ids as strings).
final class StringKeyedStore: Sendable {
    private struct Index {
        var tokens: [String: Double] = [:]
        var sessions: [String: Double] = [:]
        var cutoffs: [String: Double] = [:]
    }

    private let clock = JWTClock.system
    private let state = Mutex(Index())

    func revoke(tokenID: String, until: Double) {
        state.withLock { $0.tokens[tokenID] = max($0.tokens[tokenID] ?? until, until) }
    }

    func revokeAll(subject: String, issuedBefore cutoff: Double) {
        state.withLock { $0.cutoffs[subject] = max($0.cutoffs[subject] ?? cutoff, cutoff) }
    }

    func isRevoked(_ query: RevocationQuery) async -> Bool {
        let now = clock.now
        return state.withLock { index in
            if let expiry = index.tokens[query.tokenID], expiry > now { return true }
            if let sid = query.sessionID, let expiry = index.sessions[sid], expiry > now { return true }
            if let subject = query.subject, let cutoff = index.cutoffs[subject] {
                guard let issuedAt = query.issuedAt else { return true }
                if issuedAt < cutoff { return true }
            }
            return false
        }
    }
}
