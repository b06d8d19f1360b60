import Foundation
import JWTAuth
import JWTAuthRedis
import JWTAuthTesting
import NIOCore
import NIOPosix
import Testing

/// A loopback port nothing listens on: port 1 (tcpmux), below the ephemeral range, so that no other
/// test's listener bound to port 0 can take it between two calls (a port just freed could be).
func closedPort() async throws -> Int { 1 }

/// Hostile and edge cases of the client: no server, a silent server, malformed replies.
@Suite struct RedisClientFailureTests {
    @Test func aServerThatIsDownFailsEveryCallAtOnceAndTheStoreFailsClosed() async throws {
        let port = try await closedPort()
        let client = RedisClient(
            configuration: RedisConfiguration(
                port: port,
                commandTimeout: .seconds(30),
                connectTimeout: .seconds(30),
                minimumReconnectDelay: .seconds(30)
            )
        )
        await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        // While waiting before the next attempt, calls fail without trying.
        await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }

        let factory = try TokenFactory()
        let verifier = try factory.verifier(revocationStore: RedisRevocationStore(client: client, clock: factory.clock.clock))
        await #expect(throws: JWTAuthError.unavailable()) { try await verifier.verify(try factory.token()) }
        await client.close()
    }

    @Test func aServerThatNeverAnswersTimesOutAndTheConnectionIsReplaced() async throws {
        let server = try await FakeRedisServer { connection, _ in connection == 0 ? nil : "+PONG\r\n" }
        let client = RedisClient(
            configuration: RedisConfiguration(port: server.port, poolSize: 1, commandTimeout: .seconds(3))
        )
        await #expect(throws: RedisError.timeout) { try await client.send("PING") }
        // A late reply would be taken for the next command's: the timed-out connection is not used again.
        #expect(try await client.send("PING") == .simpleString("PONG"))
        #expect(server.connectionCount == 2)
        await client.close()
        try await server.close()
    }

    @Test(arguments: ["?what\r\n", "$3\r\nabcd\r\n", ":12a\r\n", "*1\r\n+OK\n", "$-2\r\n", "*99999999999\r\n"])
    func aMalformedReplyIsAProtocolErrorAndTheNextCommandReconnects(reply: String) async throws {
        let server = try await FakeRedisServer { connection, _ in connection == 0 ? reply : "+PONG\r\n" }
        let client = RedisClient(configuration: RedisConfiguration(port: server.port, poolSize: 1, commandTimeout: .seconds(5)))
        await #expect(throws: RedisError.protocolError) { try await client.send("PING") }
        #expect(try await client.send("PING") == .simpleString("PONG"))
        #expect(server.connectionCount == 2)
        await client.close()
        try await server.close()
    }

    @Test func aMalformedReplyMidwayThroughAPipelineFailsTheCall() async throws {
        let server = try await FakeRedisServer { _, read in read == 0 ? "+A\r\n:1\r\n-ERR x\r\n#x\r\n" : nil }
        let client = RedisClient(configuration: RedisConfiguration(port: server.port, poolSize: 1, commandTimeout: .seconds(5)))
        await #expect(throws: RedisError.protocolError) {
            try await client.pipeline([["PING"], ["INCR", "a"], ["X"], ["PING"], ["PING"]])
        }
        await client.close()
        try await server.close()
    }

    @Test func anUnexpectedReplyShapeFailsTheCheck() async throws {
        // MGET answered with an integer, then with too few values: never read as "not revoked".
        let server = try await FakeRedisServer { connection, _ in connection == 0 ? ":0\r\n" : "*1\r\n$-1\r\n" }
        let client = RedisClient(configuration: RedisConfiguration(port: server.port, poolSize: 1, commandTimeout: .seconds(5)))
        let store = RedisRevocationStore(client: client)
        let query = RevocationQuery(tokenID: "a", sessionID: "s", subject: "1", issuedAt: 0)
        await #expect(throws: RedisError.protocolError) { try await store.isRevoked(query) }
        await #expect(throws: RedisError.protocolError) { try await store.isRevoked(query) }
        await client.close()
        try await server.close()
    }

    @Test func anErrorReplyDuringConnectionSetupFailsTheConnection() async throws {
        let server = try await FakeRedisServer { _, _ in "-WRONGPASS invalid username-password pair\r\n" }
        let client = RedisClient(configuration: RedisConfiguration(port: server.port, password: "not-it", poolSize: 1))
        let error = await #expect(throws: RedisError.serverError) { try await client.send("PING") }
        #expect(error?.message.contains("not-it") == false)
        await client.close()
        try await server.close()
    }

    /// The timeout is the reply's, not the caller's: a caller whose executor runs it again only after the
    /// command timeout (a busy process) gets its reply, and the connection stays open for the others.
    @Test func aCallerSlowToResumeDoesNotTimeOutAReplyThatCameInTime() async throws {
        let server = try await FakeRedisServer { _, _ in "+PONG\r\n" }
        let client = RedisClient(configuration: RedisConfiguration(port: server.port, poolSize: 1, commandTimeout: .seconds(1)))
        #expect(try await client.send("PING") == .simpleString("PONG"))
        let slow = try await withTaskExecutorPreference(DelayingExecutor(delay: .seconds(3))) {
            try await client.send("PING")
        }
        #expect(slow == .simpleString("PONG"))
        #expect(try await client.send("PING") == .simpleString("PONG"))
        #expect(server.connectionCount == 1, "the connection was closed although every reply came in time")
        await client.close()
        try await server.close()
    }

    @Test func aClosedClientRefusesCommands() async throws {
        let client = RedisClient(configuration: RedisConfiguration(port: try await closedPort()))
        await client.close()
        await #expect(throws: RedisError.clientClosed) { try await client.send("PING") }
    }
}

/// The client against a real redis-server.
@Suite(.enabled(if: RedisTestServers.enabled())) struct RedisClientTests {
    @Test func anErrorReplyIsThrownAndTheConnectionStaysUsable() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration(poolSize: 1))
        await #expect(throws: RedisError.serverError) { try await client.send("NO-SUCH-COMMAND") }
        #expect(try await client.send("PING") == .simpleString("PONG"))
        await client.close()
    }

    @Test func concurrentCommandsOnOneConnectionGetTheirOwnReplies() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration(poolSize: 1))
        let key = RedisTestServers.uniquePrefix() + "counter"
        let replies = try await withThrowingTaskGroup(of: RESPValue.self) { group in
            for _ in 0..<500 { group.addTask { try await client.send("INCR", key) } }
            return try await group.reduce(into: [RESPValue]()) { $0.append($1) }
        }
        #expect(Set(replies) == Set((1...500).map { RESPValue.integer(Int64($0)) }))
        await client.close()
    }

    @Test func aPipelineAnswersInOrderWithErrorsInPlace() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let key = RedisTestServers.uniquePrefix() + "list"
        var commands = (0..<100).map { ["RPUSH", key, "v\($0)"] }
        commands.append(["INCR", key])  // WRONGTYPE
        commands.append(["LLEN", key])
        let replies = try await client.pipeline(commands, batchSize: 7)
        #expect(Array(replies.prefix(100)) == (1...100).map { RESPValue.integer(Int64($0)) })
        guard case .error(let message) = replies[100] else {
            Issue.record("expected an error reply")
            return
        }
        #expect(message.hasPrefix("WRONGTYPE"))
        #expect(replies[101] == .integer(100))
        await client.close()
    }

    @Test func bulkStringsAreBinarySafe() async throws {
        let client = RedisClient(configuration: try RedisTestServers.configuration())
        let key = RedisTestServers.uniquePrefix() + "text"
        let value = "é\r\n$3\r\n*1\r\n😀"
        _ = try await client.send("SET", key, value)
        #expect(try await client.send("GET", key).string == value)
        await client.close()
    }

    @Test func selectsTheDatabaseOfTheURL() async throws {
        let url = try RedisTestServers.url()
        let (zero, five) = (try RedisClient(url: url), try RedisClient(url: url + "/5"))
        let key = RedisTestServers.uniquePrefix() + "where"
        _ = try await five.send("SET", key, "5")
        #expect(try await five.send("GET", key).string == "5")
        #expect(try await zero.send("GET", key).isNull)
        _ = try await five.send("DEL", key)
        await zero.close()
        await five.close()
    }
}

/// AUTH against a server with `requirepass` and an ACL user.
@Suite(.enabled(if: RedisTestServers.enabled(RedisTestServers.withPassword))) struct RedisAuthTests {
    func url(_ userInfo: String) throws -> String {
        try RedisTestServers.url(RedisTestServers.withPassword).replacingOccurrences(of: "redis://", with: "redis://\(userInfo)")
    }

    @Test func withoutAPasswordCommandsAreRefused() async throws {
        let client = try RedisClient(url: url(""))
        let error = await #expect(throws: RedisError.serverError) { try await client.send("GET", "x") }
        #expect(error?.message.hasPrefix("NOAUTH") == true)
        await client.close()
    }

    @Test func aWrongPasswordFailsWithoutShowingIt() async throws {
        let client = try RedisClient(url: url(":wrong-password-123@"))
        let error = await #expect(throws: RedisError.serverError) { try await client.send("PING") }
        #expect(error.map { "\($0)".contains("wrong-password-123") } == false)
        #expect(!"\(client.configuration)".contains("wrong-password-123"))
        await client.close()
    }

    @Test(arguments: [":jwt-auth-test-password@", "jwt-auth-tester:jwt-auth-test-user-password@"])
    func theRightCredentialsWork(userInfo: String) async throws {
        let client = try RedisClient(url: url(userInfo))
        #expect(try await client.send("PING") == .simpleString("PONG"))
        await client.close()
    }
}

/// Runs each job it is given only after `delay`: a task that prefers it is slow to resume after every await.
final class DelayingExecutor: TaskExecutor {
    let delay: Duration
    private let queue = DispatchQueue(label: "delaying-executor")

    init(delay: Duration) { self.delay = delay }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.asyncAfter(deadline: .now() + .nanoseconds(Int(TimeAmount(delay).nanoseconds))) {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
