import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
import PostgresNIO
import Synchronization
import Testing

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The PostgreSQL server of the tests: `JWT_AUTH_POSTGRES_URL`, set by `scripts/postgres-test-server`
/// (which `scripts/test` runs). Without it the tests that need it are skipped, unless
/// `JWT_AUTH_REQUIRE_SERVERS=1`, when ``RequiredServerTests`` fails.
enum TestDatabase {
    static let url: String? = {
        let value = ProcessInfo.processInfo.environment["JWT_AUTH_POSTGRES_URL"]
        return value?.isEmpty == false ? value : nil
    }()

    static var isAvailable: Bool { url != nil }

    static var isRequired: Bool { ProcessInfo.processInfo.environment["JWT_AUTH_REQUIRE_SERVERS"] == "1" }

    /// Whether the tests that need the server run: when it is given, or when servers are required (then
    /// they fail without it, through ``requiredURL()``).
    static var isEnabled: Bool { isAvailable || isRequired }

    /// The server's URL, or a failure naming the variable.
    static func requiredURL() throws -> String {
        try #require(
            url,
            "JWT_AUTH_POSTGRES_URL is not set: run the tests through scripts/postgres-test-server (scripts/test does)"
        )
    }
}

@Suite struct RequiredServerTests {
    @Test(.enabled(if: TestDatabase.isRequired)) func postgresServerIsGiven() {
        #expect(
            TestDatabase.isAvailable,
            "JWT_AUTH_REQUIRE_SERVERS=1 but JWT_AUTH_POSTGRES_URL is not set: run the tests through scripts/postgres-test-server (scripts/test does)"
        )
    }
}

/// Connects stores to a database of their own on the test server, and closes them and drops it afterwards:
/// each store is a separate connection pool, as another service instance would have. A database per test
/// keeps tests with settable clocks apart from each other's purges (and the service tests' purges by the
/// system clock).
final class ConnectedStores: Sendable {
    private let stores = Mutex<[PostgresStore]>([])
    private let database = Mutex<(name: String, url: String)?>(nil)
    let clock: SettableClock

    init(clock: SettableClock = SettableClock()) {
        self.clock = clock
    }

    func connect() async throws -> PostgresStore {
        let url = try await databaseURL()
        let store = try await PostgresStore.connect(url: url, clock: clock.clock, timeout: .seconds(30))
        stores.withLock { $0.append(store) }
        return store
    }

    func closeAll() async {
        for store in stores.withLock({ $0 }) { await store.close() }
        guard let name = database.withLock({ $0?.name }), let base = TestDatabase.url else { return }
        try? await TestDatabase.withBaseStore(base) { store in
            _ = try await store.client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)").collect()
        }
    }

    /// The URL of this test's database, created on first use (call it once before connecting concurrently).
    @discardableResult
    func databaseURL() async throws -> String {
        if let url = database.withLock({ $0?.url }) { return url }
        let base = try TestDatabase.requiredURL()
        let name = "jwt_auth_t\(UInt64.random(in: 0...UInt64.max))"
        try await TestDatabase.withBaseStore(base) { store in
            _ = try await store.client.query("CREATE DATABASE \(unescaped: name)").collect()
        }
        let url = try PostgresURL.replacingDatabase(in: base, with: name)
        database.withLock { $0 = (name, url) }
        return url
    }
}

extension TestDatabase {
    /// Runs `body` with a store on the server's given database.
    static func withBaseStore(_ url: String, _ body: (PostgresStore) async throws -> Void) async throws {
        let store = try await PostgresStore.connect(url: url, timeout: .seconds(30))
        do {
            try await body(store)
        } catch {
            await store.close()
            throw error
        }
        await store.close()
    }
}

/// A unique name for a test's rows in the shared database.
func unique(_ prefix: String) -> String {
    "\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
}
