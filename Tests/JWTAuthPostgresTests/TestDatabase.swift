import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
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
}

@Suite struct RequiredServerTests {
    @Test(.enabled(if: TestDatabase.isRequired)) func postgresServerIsGiven() {
        #expect(
            TestDatabase.isAvailable,
            "JWT_AUTH_REQUIRE_SERVERS=1 but JWT_AUTH_POSTGRES_URL is not set: run the tests through scripts/postgres-test-server (scripts/test does)"
        )
    }
}

/// Connects stores to the test database and closes them all afterwards: each is a separate connection
/// pool, as another service instance would have.
final class ConnectedStores: Sendable {
    private let stores = Mutex<[PostgresStore]>([])
    let clock: SettableClock

    init(clock: SettableClock = SettableClock()) {
        self.clock = clock
    }

    func connect() async throws -> PostgresStore {
        let url = try #require(TestDatabase.url)
        let store = try await PostgresStore.connect(url: url, clock: clock.clock, timeout: .seconds(10))
        stores.withLock { $0.append(store) }
        return store
    }

    func closeAll() async {
        for store in stores.withLock({ $0 }) { await store.close() }
    }
}

/// A unique name for a test's rows in the shared database.
func unique(_ prefix: String) -> String {
    "\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
}
