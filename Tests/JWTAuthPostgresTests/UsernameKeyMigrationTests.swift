import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
import PostgresNIO
import Testing

/// Schema 3 on PostgreSQL: usernames compared by their RFC 8265 key, on databases made by older builds.
/// Skipped without a server, except under `JWT_AUTH_REQUIRE_SERVERS=1` (then ``RequiredServerTests`` fails).
@Suite(.enabled(if: TestDatabase.isAvailable || TestDatabase.isRequired, "JWT_AUTH_POSTGRES_URL is not set"))
struct UsernameKeyMigrationTests {
    @Test(.bug("issue 15: look-alike usernames"))
    func databaseWithClashingNamesIsRefusedThenRepaired() async throws {
        let stores = ConnectedStores()
        let url = try await stores.databaseURL()
        try await Self.makeVersion2Database(stores, users: ["alice", "Bob", "bob"])
        do {
            let store = try await PostgresStore.connect(url: url, timeout: .seconds(30))
            await store.close()
            Issue.record("a database with Bob and bob was migrated")
        } catch let error as PostgresStoreError {
            #expect(error.description.contains("users 2, 3") && error.description.contains("jwt-auth users rename"), "\(error)")
        }
        let repair = try await PostgresStore.connectForRepair(url: url, timeout: .seconds(30))
        await #expect(throws: JWTAuthError.conflict()) { try await repair.renameUser(id: "3", to: "ALICE") }
        try await repair.renameUser(id: "3", to: "bobby")
        await repair.close()
        let store = try await stores.connect()
        #expect(try await store.user(named: "BOB")?.id == "2")
        #expect(try await store.user(named: "BOBBY")?.username == "bobby")
        await #expect(throws: JWTAuthError.conflict()) { try await store.createUser(username: "Alice", passwordHash: "h", roles: []) }
        await stores.closeAll()
    }

    @Test(.bug("issue 15: look-alike usernames"))
    func databaseWithClashingNamesIsRepairedByDeleting() async throws {
        let stores = ConnectedStores()
        let url = try await stores.databaseURL()
        try await Self.makeVersion2Database(stores, users: ["Bob", "bob"])
        let repair = try await PostgresStore.connectForRepair(url: url, timeout: .seconds(30))
        try await repair.deleteUser(id: "1")
        await repair.close()
        let store = try await stores.connect()
        #expect(try await store.allUsers().map(\.username) == ["bob"])
        #expect(try await store.user(named: "BOB")?.id == "2")
        await stores.closeAll()
    }

    @Test(.bug("issue 15: look-alike usernames"))
    func databaseWithoutClashesMigratesAndComparesByKey() async throws {
        let stores = ConnectedStores()
        try await Self.makeVersion2Database(stores, users: ["Alice", "Zo\u{EB}"])
        let store = try await stores.connect()
        #expect(try await store.user(named: "ALICE")?.username == "Alice")
        #expect(try await store.user(named: "zoË")?.id == "2")
        await #expect(throws: JWTAuthError.conflict()) { try await store.createUser(username: "alice", passwordHash: "h", roles: []) }
        await stores.closeAll()
    }

    @Test func installationSecretIsSharedByEveryInstance() async throws {
        let stores = ConnectedStores()
        try await InstallationSecretStoreConformance(makeStore: { try await stores.connect() }).run()
        await stores.closeAll()
    }

    /// This test's database as schema 2 (before username keys) left it: migrated by this build, then the
    /// step's changes taken back, and `users` added with ids 1, 2, … in order.
    static func makeVersion2Database(_ stores: ConnectedStores, users: [String]) async throws {
        let store = try await stores.connect()
        try await EndedSessionsMigrationTests.undoEndedSessions(store)
        for statement in [
            "DROP TABLE jwt_auth_installation_secrets", "DROP INDEX jwt_auth_users_by_username_key",
            "ALTER TABLE jwt_auth_users DROP COLUMN username_key", "UPDATE jwt_auth_schema SET version = 2",
        ] {
            _ = try await store.client.query(PostgresQuery(unsafeSQL: statement)).collect()
        }
        for name in users {
            _ = try await store.client.query(
                "INSERT INTO jwt_auth_users (username, password_hash, roles, disabled, created_at) VALUES (\(name), 'h', '{}', false, 1)"
            ).collect()
        }
    }
}
