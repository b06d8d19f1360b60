import JWTAuth
import Logging
import PostgresNIO
import Testing

@testable import JWTAuthPostgres

/// postgres-nio backs off between connection attempts up to a minute; a store that runs its own pool
/// replaces it once operations have failed for `replacePoolAfter` with no success, so that it connects at
/// once when the database returns. A pool the application runs is never replaced. Needs no server.
@Suite struct PoolReplacementTests {
    static func refusedConfiguration() throws -> PostgresClient.Configuration {
        let listener = try LoopbackListener()
        let port = listener.port
        listener.close()  // Nothing listens there now: connections are refused.
        return try PostgresURL("postgres://u:p@127.0.0.1:\(port)/db?sslmode=disable").clientConfiguration(statementTimeout: .milliseconds(200))
    }

    /// Pings until `done` holds or 20 seconds pass; every ping must fail closed.
    static func ping(_ store: PostgresStore, until done: () -> Bool) async {
        let deadline = ContinuousClock.now + .seconds(20)
        while !done(), ContinuousClock.now < deadline {
            await #expect(throws: JWTAuthError.unavailable()) { try await store.ping() }
        }
    }

    @Test func aFailingPoolTheStoreRunsIsReplaced() async throws {
        let store = PostgresStore(
            running: try Self.refusedConfiguration(),
            clock: .system,
            timeout: .milliseconds(200),
            logger: Logger(label: "test"),
            replacePoolAfter: .milliseconds(500)
        )
        let first = ObjectIdentifier(store.client)
        await Self.ping(store) { store.poolReplacements >= 2 }
        #expect(store.poolReplacements >= 2)
        #expect(ObjectIdentifier(store.client) != first)
        await store.close()
        let replacements = store.poolReplacements
        await #expect(throws: JWTAuthError.unavailable()) { try await store.ping() }
        #expect(store.poolReplacements == replacements, "a closed store makes no new pool")
    }

    @Test func aPoolTheApplicationRunsIsNeverReplaced() async throws {
        let client = PostgresClient(configuration: try Self.refusedConfiguration())
        let run = Task { await client.run() }
        defer { run.cancel() }
        let store = PostgresStore(client: client, clock: .system, timeout: .milliseconds(200), logger: Logger(label: "test"), replacePoolAfter: .zero)
        for _ in 0..<5 {
            await #expect(throws: JWTAuthError.unavailable()) { try await store.ping() }
        }
        #expect(store.poolReplacements == 0)
        #expect(store.client === client)
    }
}
