import JWTAuth
import JWTAuthSQLite
import JWTAuthTesting
import SQLiteNIO
import Testing

/// Schema 2: usernames compared by their RFC 8265 key, on files made by older builds.
@Suite struct UsernameKeyMigrationTests {
    @Test(.bug(id: 15, "look-alike usernames"))
    func fileWithClashingNamesIsRefusedNamingTheIDs() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.newFile()
        try await makeVersion1File(path, users: ["alice", "Bob", "carol", "bob"])
        do {
            let store = try await SQLiteStore(path: path)
            try await store.close()
            Issue.record("a file with Bob and bob opened")
        } catch let clash as UsernameClash {
            #expect(clash.groups == [["2", "4"]])
            #expect(clash.description.contains("users 2, 4") && clash.description.contains("jwt-auth users rename"))
        }
        #expect(try await rawQuery(path, "PRAGMA user_version").first?.column("user_version")?.integer == 1, "the refused step changed the file")
        #expect(try await rowCount(path, "users") == 4, "the refused step merged accounts")
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func repairOpenRenamesThenTheFileMigrates() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.newFile()
        try await makeVersion1File(path, users: ["Bob", "bob"])
        let repair = try await SQLiteStore.openForRepair(path: path)
        await #expect(throws: JWTAuthError.conflict()) { try await repair.renameUser(id: "2", to: "BOB") }
        try await repair.renameUser(id: "2", to: "bobby")
        try await repair.close()
        let store = try await SQLiteStore(path: path)
        #expect(try await store.user(named: "BOB")?.id == "1")
        #expect(try await store.user(named: "Bobby")?.username == "bobby")
        await #expect(throws: JWTAuthError.conflict()) { try await store.createUser(username: "bOB", passwordHash: "h", roles: []) }
        try await store.close()
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func repairOpenDeletesThenTheFileMigrates() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.newFile()
        try await makeVersion1File(path, users: ["Bob", "bob"])
        let repair = try await SQLiteStore.openForRepair(path: path)
        try await repair.deleteUser(id: "1")
        try await repair.close()
        let store = try await SQLiteStore(path: path)
        #expect(try await store.user(named: "BOB")?.id == "2")
        #expect(try await store.allUsers().map(\.username) == ["bob"])
        try await store.close()
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func fileWithoutClashesMigratesAndComparesByKey() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.newFile()
        try await makeVersion1File(path, users: ["Alice", "bob", "Zo\u{EB}"])
        let store = try await SQLiteStore(path: path)
        #expect(try await rawQuery(path, "PRAGMA user_version").first?.column("user_version")?.integer == SQLiteStore.schemaVersion)
        #expect(try await store.user(named: "alice")?.username == "Alice", "the stored name changed")
        #expect(try await store.user(named: "ZOË")?.id == "3")
        await #expect(throws: JWTAuthError.conflict()) { try await store.createUser(username: "BOB", passwordHash: "h", roles: []) }
        let dave = try await store.createUser(username: "Dave", passwordHash: "h", roles: [])
        #expect(try await store.user(named: "dave") == dave)
        try await store.close()
        // A repair open of a file with nothing to repair is an ordinary one.
        let again = try await SQLiteStore.openForRepair(path: path)
        #expect(try await again.user(named: "DAVE")?.id == dave.id)
        try await again.close()
    }

    @Test func installationSecretIsKeptInTheFile() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.newFile()
        // One store for the conformance suite's concurrent calls: stores on one file in one process share
        // sqlite-nio's thread pool, where one's wait for the write lock can hold the thread the other needs.
        let store = try await SQLiteStore(path: path)
        try await InstallationSecretStoreConformance(makeStore: { store }).run()
        let before = try await store.installationSecret(named: "log-pseudonym")
        let other = try await SQLiteStore(path: path)
        #expect(try await other.installationSecret(named: "log-pseudonym") == before, "another store on the file made another secret")
        try await other.close()
        try await store.close()
        let reopened = try await SQLiteStore(path: path)
        #expect(try await reopened.installationSecret(named: "log-pseudonym") == before, "the secret changed across a restart")
        try await reopened.close()
    }

    @Test func memoryStoreKeepsInstallationSecrets() async throws {
        let store = MemoryUserStore()
        try await InstallationSecretStoreConformance(makeStore: { store }).run()
    }
}

/// A file as schema 1 (before username keys) left it, with `users` given ids 1, 2, … in order.
func makeVersion1File(_ path: String, users: [String]) async throws {
    try await SQLiteStore.makeFile(path: path, schemaVersion: 1, users: users)
}
