import JWTAuth
import JWTAuthRedis
import Testing

/// Concurrent checks of the Redis blocklist, whose keys go together into shared `MGET`s.
@Suite(.enabled(if: RedisTestServers.enabled()), .bug(id: 20, "concurrent revocation checks share one MGET"))
struct RedisBatchedReadsTests {
    func blocklist(_ client: RedisClient, prefix: String, record: IndexRecord) -> RedisBlocklist {
        record.blocklist(on: client, prefix: prefix)
    }

    @Test func manyConcurrentChecksEachGetTheirOwnAnswer() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let (prefix, record) = (RedisTestServers.uniquePrefix(), IndexRecord())
        let store = blocklist(client, prefix: prefix, record: record)
        let now = JWTClock.system.now
        // Every third token revoked by jti, every fifth session, and users 0 and 1 cut off now.
        for index in stride(from: 0, to: 600, by: 3) { try await store.revoke(tokenID: "t\(index)", until: now + 600) }
        for index in stride(from: 0, to: 600, by: 5) { try await store.revoke(sessionID: "s\(index)", until: now + 600) }
        try await store.revokeAll(subject: "u0", issuedBefore: now)
        try await store.revokeAll(subject: "u1", issuedBefore: now)
        func query(_ index: Int) -> RevocationQuery {
            switch index % 4 {
            case 0: RevocationQuery(tokenID: "t\(index)")
            case 1: RevocationQuery(tokenID: "t\(index)", sessionID: "s\(index)")
            default: RevocationQuery(tokenID: "t\(index)", sessionID: "s\(index)", subject: "u\(index % 7)", issuedAt: now - 1)
            }
        }
        func expected(_ index: Int) -> Bool {
            index % 3 == 0 || (index % 4 != 0 && index % 5 == 0) || (index % 4 >= 2 && index % 7 < 2)
        }
        for _ in 0..<3 {
            let wrong = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<600 {
                    group.addTask { try await store.isRevoked(query(index)) == expected(index) ? 0 : 1 }
                }
                return try await group.reduce(0, +)
            }
            #expect(wrong == 0)
        }
        await client.close()
    }

    @Test func aRevocationAcknowledgedBeforeACheckBeganIsAlwaysSeen() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let (prefix, record) = (RedisTestServers.uniquePrefix(), IndexRecord())
        let store = blocklist(client, prefix: prefix, record: record)
        let now = JWTClock.system.now
        // Other checks keep an MGET in flight, so that each check below finds one that was sent before it.
        let missed = try await withThrowingTaskGroup(of: Int.self) { group in
            for other in 0..<8 {
                group.addTask {
                    while !Task.isCancelled { _ = try await store.isRevoked(RevocationQuery(tokenID: "other\(other)")) }
                    return 0
                }
            }
            var missed = 0
            for index in 0..<1000 {
                try await store.revoke(tokenID: "r\(index)", until: now + 600)
                if try await !store.isRevoked(RevocationQuery(tokenID: "r\(index)")) { missed += 1 }
            }
            group.cancelAll()
            return try await group.reduce(missed, +)
        }
        #expect(missed == 0)
        await client.close()
    }

    @Test(arguments: [
        "-ERR something went wrong\r\n",  // an error reply
        "*1\r\n$-1\r\n",  // an array of the wrong size
    ])
    func aFailedMGETFailsEveryCheckOfItsBatch(reply: String) async throws {
        let server = try await FakeRedisServer { _, _ in reply }
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:\(server.port)")
        configuration.commandTimeout = .seconds(15)
        let client = RedisClient(configuration: configuration)
        let store = blocklist(client, prefix: "jwt:", record: IndexRecord())
        let failed = await withTaskGroup(of: Int.self) { group in
            for index in 0..<100 {
                group.addTask {
                    do {
                        _ = try await store.isRevoked(RevocationQuery(tokenID: "t\(index)", sessionID: "s", subject: "u", issuedAt: 0))
                        return 0
                    } catch {
                        return error is RedisError ? 1 : 0
                    }
                }
            }
            return await group.reduce(0, +)
        }
        #expect(failed == 100)
        await client.close()
        try await server.close()
    }
}
