import Dispatch
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import NIOPosix
import Testing

/// The throttle's slots, one event per line, and the routes under concurrent guessing.
@Suite struct LoginThrottleTests {
    static func reservation(_ decision: LoginThrottle.Decision) throws -> LoginThrottle.Reservation {
        guard case .allow(let reservation) = decision else {
            Issue.record("expected .allow, got \(decision)")
            throw CancellationError()
        }
        return reservation
    }

    @Test(.bug(id: 15, "concurrent guesses all reached bcrypt"))
    func attemptsInFlightHoldTheirSlots() throws {
        var throttle = LoginThrottle(limit: 3, window: 900)
        // Three attempts start together: each takes a slot before any has finished.
        let a = try Self.reservation(throttle.reserve(["user:v", "ip:1"], now: 0))
        let b = try Self.reservation(throttle.reserve(["user:v", "ip:1"], now: 0))
        _ = try Self.reservation(throttle.reserve(["user:v", "ip:2"], now: 0))
        #expect(throttle.reserve(["user:v", "ip:3"], now: 0) == .reject(retryAfter: 1))
        #expect(throttle.held("user:v") == 3)
        #expect(throttle.held("ip:1") == 2)
        // A failure keeps its slot for the window; a success frees it.
        throttle.failed(a, now: 1)
        throttle.released(b)
        #expect(throttle.held("user:v") == 2)
        #expect(throttle.held("ip:1") == 1)
        _ = try Self.reservation(throttle.reserve(["user:v", "ip:1"], now: 2))
        #expect(throttle.reserve(["user:v"], now: 2) == .reject(retryAfter: 1))
    }

    @Test func failuresBlockUntilTheWindowLetsOneGo() throws {
        var throttle = LoginThrottle(limit: 2, window: 900)
        throttle.failed(try Self.reservation(throttle.reserve(["user:v"], now: 0)), now: 10)
        throttle.failed(try Self.reservation(throttle.reserve(["user:v"], now: 20)), now: 30)
        #expect(throttle.reserve(["user:v"], now: 40) == .reject(retryAfter: 870))
        // The first failure leaves the window at 910.
        let third = try Self.reservation(throttle.reserve(["user:v"], now: 911))
        // While the third attempt runs, a second is the least to wait: it may succeed.
        #expect(throttle.reserve(["user:v"], now: 911) == .reject(retryAfter: 1))
        throttle.failed(third, now: 912)
        #expect(throttle.reserve(["user:v"], now: 912) == .reject(retryAfter: 18))
    }

    @Test func forgivingKeepsAttemptsInFlight() throws {
        var throttle = LoginThrottle(limit: 2, window: 900)
        throttle.failed(try Self.reservation(throttle.reserve(["user:v"], now: 0)), now: 0)
        _ = try Self.reservation(throttle.reserve(["user:v"], now: 0))
        throttle.forgive("user:v")
        #expect(throttle.held("user:v") == 1)
    }

    @Test func aLimitOfZeroAllowsEverything() throws {
        var throttle = LoginThrottle(limit: 0, window: 900)
        for _ in 0..<100 { throttle.failed(try Self.reservation(throttle.reserve(["user:v"], now: 0)), now: 0) }
        #expect(throttle.held("user:v") == 0)
    }

    /// The issue's reproduction through the router: 40 wrong passwords and the right one at once, with
    /// `LOGIN_ATTEMPTS=5`. At most five reach bcrypt; the right one is only let through if it is among them.
    @Test(.bug(id: 15, "concurrent guesses all reached bcrypt"), arguments: ["/auth/login", "/auth/fresh-login"])
    func concurrentGuessesReachBcryptAtMostLimitTimes(path: String) async throws {
        let passwords = PasswordHasher(cost: 8)
        let harness = try AuthRoutesTests.Harness(loginAttempts: 5, passwords: passwords)
        _ = try await harness.users.createUser(username: "victim", passwordHash: try await passwords.hash("the right password"), roles: [])
        let before = passwords.runCount
        try await harness.app.test(.router) { client in
            let guesses = (1...40).map { "wrong-guess-\($0)" } + ["the right password"]
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for guess in guesses {
                    group.addTask {
                        let body = AuthRoutesTests.json(#"{"username":"victim","password":"\#(guess)"}"#)
                        return try await client.execute(uri: path, method: .post, headers: AuthRoutesTests.jsonHeaders, body: body).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let reached = passwords.runCount - before
            #expect(reached <= 5, "\(reached) checks reached bcrypt")
            #expect(statuses.count { $0 == .ok || $0 == .unauthorized } <= 5)
            #expect(statuses.count { $0 == .tooManyRequests } >= 36)
            #expect(statuses.allSatisfy { [.ok, .unauthorized, .tooManyRequests].contains($0) })
        }
    }

    @Test(.bug(id: 15, "a login shorter than the new-password minimum was a 400"))
    func loginAnswersAnyPasswordThatCouldBeStoredAsAWrongOne() async throws {
        let harness = try AuthRoutesTests.Harness(loginAttempts: 0)
        try await harness.app.test(.router) { client in
            let register = AuthRoutesTests.json(#"{"username":"olga","password":"correct horse"}"#)
            _ = try await client.execute(uri: "/auth/register", method: .post, headers: AuthRoutesTests.jsonHeaders, body: register)
            for (password, status, message) in [
                ("short", HTTPResponse.Status.unauthorized, "Bad username or password"),
                ("", .unauthorized, "Bad username or password"),
                (String(repeating: "x", count: 73), .badRequest, "password must be at most 72 bytes"),
                ("nul\\u0000byte", .badRequest, "password must not contain NUL"),
            ] {
                let body = AuthRoutesTests.json(#"{"username":"olga","password":"\#(password)"}"#)
                for path in ["/auth/login", "/auth/fresh-login"] {
                    try await client.execute(uri: path, method: .post, headers: AuthRoutesTests.jsonHeaders, body: body) { response in
                        #expect(response.status == status, "\(path) \(password.prefix(8))")
                        #expect(AuthRoutesTests.object(response)["msg"] == .string(message))
                    }
                }
            }
        }
    }

    @Test(.bug(id: 15, "registration was not limited"))
    func registrationsFromOneAddressAreLimitedEvenWhenConcurrent() async throws {
        let passwords = PasswordHasher(cost: 6)
        let harness = try AuthRoutesTests.Harness(registerAttempts: 3, passwords: passwords)
        let before = passwords.runCount
        try await harness.app.test(.router) { client in
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<20 {
                    group.addTask {
                        let body = AuthRoutesTests.json(#"{"username":"user\#(index)","password":"correct horse"}"#)
                        return try await client.execute(uri: "/auth/register", method: .post, headers: AuthRoutesTests.jsonHeaders, body: body).status
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count { $0 == .created } == 3)
            #expect(statuses.count { $0 == .tooManyRequests } == 17)
            #expect(passwords.runCount - before == 3)
            // Every attempt counts, a success too.
            let body = AuthRoutesTests.json(#"{"username":"late","password":"correct horse"}"#)
            try await client.execute(uri: "/auth/register", method: .post, headers: AuthRoutesTests.jsonHeaders, body: body) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] == "900")
                #expect(AuthRoutesTests.object(response)["error"] == "rate_limited")
            }
        }
    }

    /// With every bcrypt thread busy and `maximumWaiting` hashes queued, the next login is 503 with
    /// `Retry-After: 1` at once instead of queueing.
    @Test(.bug(id: 15, "the bcrypt queue had no bound"))
    func aFullBcryptQueueAnswers503() async throws {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let passwords = PasswordHasher(cost: 4, threadPool: pool, maximumWaiting: 0)
        let harness = try AuthRoutesTests.Harness(loginAttempts: 0, passwords: passwords)
        // Hold the pool's only thread, so the hashes below queue behind it.
        let gate = Gate()
        let blocker = pool.runIfActive(eventLoop: MultiThreadedEventLoopGroup.singleton.any()) { gate.wait() }
        let queued = (0..<System.coreCount).map { index in Task { try await passwords.hash("password \(index)") } }
        while passwords.inFlight < System.coreCount { await Task.yield() }
        try await harness.app.test(.router) { client in
            let body = AuthRoutesTests.json(#"{"username":"nobody","password":"correct horse"}"#)
            for path in ["/auth/login", "/auth/register"] {
                try await client.execute(uri: path, method: .post, headers: AuthRoutesTests.jsonHeaders, body: body) { response in
                    #expect(response.status == .serviceUnavailable, "\(path)")
                    #expect(response.headers[.retryAfter] == "1")
                    #expect(AuthRoutesTests.object(response)["error"] == "unavailable")
                }
            }
        }
        gate.open()
        try await blocker.get()
        for task in queued { _ = try await task.value }
        #expect(passwords.inFlight == 0)
        try await pool.shutdownGracefully()
    }
}

/// A latch a pool thread waits on.
final class Gate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    func wait() { semaphore.wait() }
    func open() { semaphore.signal() }
}
