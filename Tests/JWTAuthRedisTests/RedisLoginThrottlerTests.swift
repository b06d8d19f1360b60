import JWTAuth
import JWTAuthRedis
import JWTAuthService
import Testing

/// The login throttle counted in Redis: several instances (each a client of its own) share one count, taken
/// atomically, and an attempt that Redis cannot count is refused.
@Suite(.enabled(if: RedisTestServers.enabled())) struct RedisLoginThrottlerTests {
    /// `count` throttlers on one key prefix, each with a client of its own, as `count` service instances.
    func withInstances(
        _ count: Int,
        limit: Int = 3,
        window: Duration = .seconds(900),
        _ body: ([RedisLoginThrottler]) async throws -> Void
    ) async throws {
        let prefix = RedisTestServers.uniquePrefix()
        var clients: [RedisClient] = []
        for _ in 0..<count { clients.append(RedisClient(configuration: try RedisTestServers.configuration())) }
        let throttlers = clients.map { RedisLoginThrottler(client: $0, limit: limit, window: window, keyPrefix: prefix) }
        do {
            try await body(throttlers)
        } catch {
            for client in clients { await client.close() }
            throw error
        }
        for client in clients { await client.close() }
    }

    func reservation(_ decision: LoginThrottle.Decision) -> LoginThrottle.Reservation? {
        if case .allow(let reservation) = decision { return reservation }
        return nil
    }

    @Test(.bug(id: 20, "login throttling was counted per instance: N instances gave a guesser N times the attempts"))
    func failuresOnDifferentInstancesShareOneCount() async throws {
        try await withInstances(3) { instances in
            let keys = ["user:alice", "ip:192.0.2.7"]
            for instance in instances {
                let taken = try #require(reservation(try await instance.reserve(keys)))
                await instance.failed(taken)
            }
            for instance in instances {
                guard case .reject(let retryAfter) = try await instance.reserve(keys) else {
                    Issue.record("a fourth attempt was allowed")
                    return
                }
                #expect((890...900).contains(retryAfter))
            }
            #expect(try await instances[0].held("user:alice") == 3)
            // Another user from another address is not held back.
            #expect(reservation(try await instances[1].reserve(["user:bob", "ip:192.0.2.8"])) != nil)
        }
    }

    @Test func concurrentAttemptsOnThreeInstancesPassTheLimitExactlyOnce() async throws {
        try await withInstances(3, limit: 4) { instances in
            let allowed = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<30 {
                    let instance = instances[index % instances.count]
                    group.addTask { self.reservation(try await instance.reserve(["user:carol"])) != nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(allowed == 4)
            // Attempts in flight: the wait is a second, not the window.
            guard case .reject(let retryAfter) = try await instances[2].reserve(["user:carol"]) else {
                Issue.record("the limit did not hold")
                return
            }
            #expect(retryAfter == 1)
        }
    }

    @Test func aReleasedSlotIsFreeAndForgivingKeepsAttemptsInFlight() async throws {
        try await withInstances(2, limit: 2) { instances in
            let (a, b) = (instances[0], instances[1])
            let first = try #require(reservation(try await a.reserve(["user:dave"])))
            await a.failed(first)
            let second = try #require(reservation(try await b.reserve(["user:dave"])))
            #expect(try await a.held("user:dave") == 2)
            #expect(reservation(try await a.reserve(["user:dave"])) == nil)
            // A success on B forgives the failure; B's own attempt, still in flight, keeps its slot.
            await b.forgive("user:dave")
            #expect(try await a.held("user:dave") == 1)
            await b.released(second)
            #expect(try await a.held("user:dave") == 0)
            #expect(reservation(try await a.reserve(["user:dave"])) != nil)
        }
    }

    @Test func failuresLeaveTheCountWithTheWindow() async throws {
        try await withInstances(2, limit: 1, window: .milliseconds(1500)) { instances in
            let taken = try #require(reservation(try await instances[0].reserve(["user:erin"])))
            await instances[0].failed(taken)
            #expect(reservation(try await instances[1].reserve(["user:erin"])) == nil)
            // Redis's clock decides; poll with a deadline rather than sleep a fixed time.
            let deadline = ContinuousClock.now + .seconds(30)
            while try await instances[1].held("user:erin") > 0, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(reservation(try await instances[1].reserve(["user:erin"])) != nil)
        }
    }

    @Test(.bug(id: 20, "with Redis down, login fails closed"))
    func anAttemptRedisCannotCountIsRefusedAsUnavailable() async throws {
        var configuration = try RedisConfiguration(url: "redis://127.0.0.1:1")
        configuration.connectTimeout = .seconds(2)
        let client = RedisClient(configuration: configuration)
        let throttler = RedisLoginThrottler(client: client, limit: 5, window: .seconds(900))
        await #expect(throws: (any Error).self) { try await throttler.reserve(["user:frank"]) }
        // Turned off, it never asks Redis.
        let off = RedisLoginThrottler(client: client, limit: 0, window: .seconds(900))
        #expect(reservation(try await off.reserve(["user:frank"])) != nil)
        await client.close()
    }
}
