import JWTAuth
import JWTAuthRedis

/// A record store in memory that can give its snapshot, standing in for the database under a RedisBlocklist.
actor IndexRecord: RevocationStore {
    /// The revocations with their ids, as a database's tables hold them.
    private(set) var snapshot = RevocationSnapshot()
    private var index = RevocationIndex()
    private let clock: JWTClock

    init(clock: JWTClock = .system) { self.clock = clock }

    func revoke(tokenID: String, until: Double) {
        snapshot.insert(.token, tokenID, until)
        index.revoke(tokenID: tokenID, until: until)
    }

    func revoke(sessionID: String, until: Double) {
        snapshot.insert(.session, sessionID, until)
        index.revoke(sessionID: sessionID, until: until)
    }

    func revokeAll(subject: String, issuedBefore cutoff: Double) {
        snapshot.insert(.cutoff, subject, cutoff)
        index.revokeAll(subject: subject, issuedBefore: cutoff)
    }

    func isRevoked(_ query: RevocationQuery) -> Bool { index.isRevoked(query, now: clock.now) }
}

extension IndexRecord {
    /// A blocklist on `client`, its keys under `prefix`, over this record.
    nonisolated func blocklist(on client: RedisClient, prefix: String, clock: JWTClock = .system) -> RedisBlocklist {
        RedisBlocklist(
            record: self,
            redis: RedisRevocationStore(client: client, keyPrefix: prefix, clock: clock),
            snapshot: { await self.snapshot },
            clock: clock
        )
    }
}
