import JWTAuth
import JWTAuthService
import JWTAuthTesting
import Synchronization
import Testing

/// The account rules that need no token, through `AccountService` alone: in-memory stores, bcrypt cost 4.
@Suite struct AccountServiceTests {
    struct Harness {
        let clock = SettableClock()
        let users: MemoryUserStore
        let revocations: MemoryRevocationStore
        let accounts: AccountService

        init(defaultRoles: [String] = []) {
            users = MemoryUserStore(clock: clock.clock)
            revocations = MemoryRevocationStore(clock: clock.clock)
            accounts = AccountService(
                users: users,
                sessions: users,
                revocations: revocations,
                passwords: PasswordHasher(cost: 4),
                defaultRoles: defaultRoles,
                tokens: TokenConfiguration(refreshTokenLifetime: .seconds(3600)),
                clock: clock.clock
            )
        }

        /// Records a session `id` of `subject` lasting ten minutes from now, without refresh token.
        func openSession(_ id: String, of subject: String) async throws {
            let end = clock.now + 600
            try await users.openSession(SessionRecord(id: id, subject: subject, refreshTokenID: nil, accessTokensUntil: end, expiresAt: end))
        }
    }

    static let password = "correct horse battery"

    @Test func createUserChecksTheRulesAndGivesTheDefaultRoles() async throws {
        let harness = Harness(defaultRoles: ["user"])
        let alice = try await harness.accounts.createUser(username: "Alice", password: Self.password)
        #expect(alice.username == "Alice")
        #expect(alice.roles == ["user"])
        let admin = try await harness.accounts.createUser(username: "root", password: Self.password, roles: ["admin"])
        #expect(admin.roles == ["admin"])
        await #expect(throws: JWTAuthError.conflict()) { try await harness.accounts.createUser(username: "ALICE", password: Self.password) }
        await #expect(throws: JWTAuthError.badRequest("")) { try await harness.accounts.createUser(username: "bob", password: "short") }
        await #expect(throws: JWTAuthError.badRequest("")) { try await harness.accounts.createUser(username: "b ob", password: Self.password) }
        #expect(try await harness.accounts.passwords.verify(Self.password, hash: try await harness.accounts.user(id: alice.id).passwordHash))
        #expect(try await harness.accounts.allUsers().map(\.username) == ["Alice", "root"])
    }

    @Test func theHasherIsMadeOnlyWhenAPasswordIsHashed() async throws {
        let made = Mutex(0)
        let users = MemoryUserStore()
        let accounts = AccountService(
            users: users,
            sessions: users,
            revocations: MemoryRevocationStore(),
            passwords: {
                made.withLock { $0 += 1 }
                return PasswordHasher(cost: 4)
            }()
        )
        _ = try await accounts.allUsers()
        _ = try await accounts.user(named: "nobody")
        #expect(made.withLock { $0 } == 0)
        let user = try await accounts.createUser(username: "carol", password: Self.password)
        try await accounts.changePassword(of: user.id, to: "another long password")
        #expect(made.withLock { $0 } == 1)
    }

    @Test func aNameMeansTheExactNameFirstThenItsComparisonKey() async throws {
        let fixed = FixedUsers([
            UserRecord(id: "1", username: "Bob", passwordHash: "", createdAt: 0),
            UserRecord(id: "2", username: "bob", passwordHash: "", createdAt: 0),
            UserRecord(id: "3", username: "Dan", passwordHash: "", createdAt: 0),
        ])
        let accounts = AccountService(
            users: fixed,
            sessions: MemoryUserStore(),
            revocations: MemoryRevocationStore(),
            passwords: PasswordHasher(cost: 4)
        )
        #expect(try await accounts.users(matching: "bob").map(\.id) == ["2"])
        #expect(try await accounts.users(matching: "BOB").map(\.id) == ["1", "2"])
        #expect(try await accounts.users(matching: "dan").map(\.id) == ["3"])
        #expect(try await accounts.users(matching: "eve").isEmpty)
    }

    @Test func renameChecksTheNewNameAndItsKey() async throws {
        let harness = Harness()
        let dora = try await harness.accounts.createUser(username: "dora", password: Self.password)
        _ = try await harness.accounts.createUser(username: "erik", password: Self.password)
        #expect(try await harness.accounts.rename(user: dora.id, to: "Dora") == "Dora")
        #expect(try await harness.accounts.user(named: "DORA")?.username == "Dora")
        await #expect(throws: JWTAuthError.conflict()) { try await harness.accounts.rename(user: dora.id, to: "ERIK") }
        await #expect(throws: JWTAuthError.badRequest("")) { try await harness.accounts.rename(user: dora.id, to: "") }
    }

    @Test func deleteEndsEverySessionBeforeTheUserGoes() async throws {
        let harness = Harness()
        let fay = try await harness.accounts.createUser(username: "fay", password: Self.password)
        try await harness.openSession("s1", of: fay.id)
        harness.clock.advance(by: .seconds(1))
        try await harness.accounts.delete(user: fay.id)
        #expect(try await harness.revocations.isRevoked(RevocationQuery(tokenID: "t1", sessionID: "s1")))
        let earlier = RevocationQuery(tokenID: "t2", sessionID: "s2", subject: fay.id, issuedAt: harness.clock.now - 1)
        #expect(try await harness.revocations.isRevoked(earlier))
        #expect(try await harness.users.openSessions(of: fay.id).isEmpty)
        await #expect(throws: JWTAuthError.userNotFound(fay.id)) { try await harness.accounts.user(id: fay.id) }
    }

    /// A session a racing login opens after the delete ended the user's sessions, but before the user row
    /// went, is ended too.
    @Test(.bug(id: 16, "a session opened between ending the sessions and deleting the user outlived the delete"))
    func aSessionOpenedWhileTheUserIsDeletedIsEndedToo() async throws {
        let harness = Harness()
        let ivy = try await harness.accounts.createUser(username: "ivy", password: Self.password)
        let racing = RacingDelete(harness.users) {
            try await harness.openSession("late", of: ivy.id)
        }
        let accounts = AccountService(
            users: racing,
            sessions: harness.users,
            revocations: harness.revocations,
            passwords: PasswordHasher(cost: 4),
            tokens: TokenConfiguration(refreshTokenLifetime: .seconds(3600)),
            clock: harness.clock.clock
        )
        try await accounts.delete(user: ivy.id)
        #expect(try await harness.revocations.isRevoked(RevocationQuery(tokenID: "t1", sessionID: "late")))
        #expect(try await harness.users.openSessions(of: ivy.id).isEmpty)
    }

    @Test func disablingEndsEverySession() async throws {
        let harness = Harness()
        let gus = try await harness.accounts.createUser(username: "gus", password: Self.password)
        try await harness.openSession("s1", of: gus.id)
        try await harness.accounts.setDisabled(true, user: gus.id)
        #expect(try await harness.accounts.user(id: gus.id).isDisabled)
        #expect(try await harness.revocations.isRevoked(RevocationQuery(tokenID: "t1", sessionID: "s1")))
        try await harness.accounts.setDisabled(false, user: gus.id)
        #expect(try await !harness.accounts.user(id: gus.id).isDisabled)
    }

    @Test func authServiceWorksOnItsAccounts() async throws {
        let harness = try AuthServiceTests.Harness()
        var service = harness.service
        service.defaultRoles = ["reader"]
        #expect(service.accounts.defaultRoles == ["reader"])
        let hana = try await service.register(username: "hana", password: Self.password, clientAddress: "a")
        #expect(hana.roles == ["reader"])
        #expect(try await service.accounts.user(named: "HANA")?.id == hana.id)
        #expect(service.passwords === harness.passwords)
    }
}

/// Users fixed at creation, as a database written before RFC 8265's rules may hold them (`Bob` and `bob`).
actor FixedUsers: UserStore {
    let all: [UserRecord]

    init(_ all: [UserRecord]) { self.all = all }

    func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord { throw JWTAuthError.conflict() }
    func user(named username: String) async throws -> UserRecord? { all.first { Username.key($0.username) == Username.key(username) } }
    func user(id: String) async throws -> UserRecord? { all.first { $0.id == id } }
    func setPasswordHash(_ passwordHash: String, forUser id: String) async throws {}
    func setDisabled(_ isDisabled: Bool, forUser id: String) async throws {}
    func allUsers() async throws -> [UserRecord] { all }
    func renameUser(id: String, to username: String) async throws {}
    func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange? { nil }
    func deleteUser(id: String) async throws {}
}

/// A user store whose `deleteUser` first runs `beforeDelete` (a login that opens its session in that moment).
struct RacingDelete: UserStore {
    let base: MemoryUserStore
    let beforeDelete: @Sendable () async throws -> Void

    init(_ base: MemoryUserStore, beforeDelete: @escaping @Sendable () async throws -> Void) {
        self.base = base
        self.beforeDelete = beforeDelete
    }

    func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord {
        try await base.createUser(username: username, passwordHash: passwordHash, roles: roles)
    }
    func user(named username: String) async throws -> UserRecord? { try await base.user(named: username) }
    func user(id: String) async throws -> UserRecord? { try await base.user(id: id) }
    func setPasswordHash(_ passwordHash: String, forUser id: String) async throws { try await base.setPasswordHash(passwordHash, forUser: id) }
    func setDisabled(_ isDisabled: Bool, forUser id: String) async throws { try await base.setDisabled(isDisabled, forUser: id) }
    func allUsers() async throws -> [UserRecord] { try await base.allUsers() }
    func renameUser(id: String, to username: String) async throws { try await base.renameUser(id: id, to: username) }
    func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange? {
        try await base.changeRoles(ofUser: id, adding: adding, removing: removing)
    }
    func deleteUser(id: String) async throws {
        try await beforeDelete()
        try await base.deleteUser(id: id)
    }
}
