import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import NIOPosix
import Testing

/// bcrypt runs on the hasher's thread pool and nowhere else: with that pool stopped, no password can be
/// hashed or checked — not even for an unknown user, which must cost the same work — and the routes
/// answer 503 `unavailable` rather than falling back to hashing on the request's own thread.
@Suite struct PasswordHasherTests {
    static func stoppedPool() async throws -> NIOThreadPool {
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        try await pool.shutdownGracefully()
        return pool
    }

    @Test func hashingAndCheckingNeedTheHashersPool() async throws {
        let running = NIOThreadPool(numberOfThreads: 1)
        running.start()
        let working = PasswordHasher(cost: 4, threadPool: running)
        let hash = try await working.hash("correct horse")
        #expect(try await working.verify("correct horse", hash: hash))
        #expect(try await !working.verify("wrong horse", hash: hash))
        #expect(try await !working.verify("correct horse", hash: nil))
        try await running.shutdownGracefully()

        let stopped = PasswordHasher(cost: 4, threadPool: try await Self.stoppedPool())
        await #expect(throws: (any Error).self) { try await stopped.hash("correct horse") }
        await #expect(throws: (any Error).self) { try await stopped.verify("correct horse", hash: hash) }
        await #expect(throws: (any Error).self) { try await stopped.verify("correct horse", hash: nil) }
    }

    @Test func routesAnswerUnavailableWhenThePoolIsGone() async throws {
        let harness = try AuthRoutesTests.Harness(passwords: PasswordHasher(cost: 4, threadPool: try await Self.stoppedPool()))
        let users = harness.users
        _ = try await users.createUser(
            username: "alice",
            passwordHash: try await PasswordHasher(cost: 4).hash("correct horse"),
            roles: []
        )
        try await harness.app.test(.router) { client in
            for (path, username) in [("/auth/login", "alice"), ("/auth/login", "nobody"), ("/auth/register", "bob")] {
                let response = try await client.execute(
                    uri: path,
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: #"{"username":"\#(username)","password":"correct horse"}"#)
                )
                #expect(response.status == .serviceUnavailable, "\(path) \(username)")
                #expect(AuthRoutesTests.object(response)["error"] == "unavailable")
            }
        }
        #expect(await users.user(named: "bob") == nil, "nothing half-written")
    }
}
