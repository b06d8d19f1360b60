import JWTAuth
import JWTAuthService
import JWTAuthTesting
import Synchronization
import Testing

/// `AccountService.changeRoles`: granting and withdrawing in one change; a withdrawn role ends every session of
/// the user (the tokens carry the roles they were issued with), a granted one none.
@Suite struct RoleChangeTests {
    typealias Harness = AuthServiceTests.Harness
    static let password = AuthServiceTests.password

    @Test(.bug(id: 19, "a removed role stayed in the user's tokens"))
    func aWithdrawnRoleEndsEverySessionAGrantedOneNone() async throws {
        let harness = try Harness()
        let accounts = harness.service.accounts
        let rosa = try await harness.service.register(username: "rosa", password: Self.password, clientAddress: "a")
        #expect(try await accounts.changeRoles(of: rosa.id, adding: ["admin", "ops"]) == RoleChange(previous: [], current: ["admin", "ops"]))
        let sessions = [
            try await harness.service.login(username: "rosa", password: Self.password, clientAddress: "a"),
            try await harness.service.login(username: "rosa", password: Self.password, clientAddress: "a"),
        ]
        #expect(sessions[0].access.claims.strings("roles") == ["admin", "ops"])
        let other = try await harness.service.register(username: "other", password: Self.password, clientAddress: "a")
        let bystander = try await harness.service.login(username: "other", password: Self.password, clientAddress: "a")

        // Granting, or withdrawing a role the user does not have, ends nothing.
        let granted = try await accounts.changeRoles(of: rosa.id, adding: ["auditor"], removing: ["ghost"])
        #expect(granted.current == ["admin", "ops", "auditor"] && granted.removed.isEmpty)
        for pair in sessions {
            #expect(try await harness.accepts(pair.access))
            #expect(try await harness.accepts(pair.refresh, as: .refresh))
        }

        let withdrawn = try await accounts.changeRoles(of: rosa.id, adding: ["billing"], removing: ["admin"])
        #expect(withdrawn == RoleChange(previous: ["admin", "ops", "auditor"], current: ["ops", "auditor", "billing"]))
        for pair in sessions {
            #expect(try await !harness.accepts(pair.access))
            #expect(try await !harness.accepts(pair.refresh, as: .refresh))
        }
        #expect(try await harness.users.openSessions(of: rosa.id).isEmpty)
        #expect(try await harness.accepts(bystander.access), "another user's session stays")
        #expect(try await accounts.user(id: other.id).roles == [])
        // A login in the same second as the change works, and carries the roles as they are now.
        let after = try await harness.service.login(username: "rosa", password: Self.password, clientAddress: "a")
        #expect(try await harness.accepts(after.access))
        #expect(after.access.claims.strings("roles") == ["ops", "auditor", "billing"])
    }

    @Test func aRoleBothGrantedAndWithdrawnOrAnUnknownUserChangesNothing() async throws {
        let harness = try Harness()
        let accounts = harness.service.accounts
        let sam = try await accounts.createUser(username: "sam", password: Self.password, roles: ["ops"])
        let pair = try await harness.service.login(username: "sam", password: Self.password, clientAddress: "a")
        await #expect(throws: JWTAuthError.badRequest("")) { try await accounts.changeRoles(of: sam.id, adding: ["ops"], removing: ["ops"]) }
        await #expect(throws: JWTAuthError.userNotFound("")) { try await accounts.changeRoles(of: "999", adding: ["admin"]) }
        await #expect(throws: JWTAuthError.userNotFound("")) { try await accounts.changeRoles(of: "999", removing: ["admin"]) }
        #expect(try await accounts.user(id: sam.id).roles == ["ops"])
        #expect(try await harness.accepts(pair.access))
        // Nothing to change is a change that changes nothing.
        #expect(try await accounts.changeRoles(of: sam.id) == RoleChange(previous: ["ops"], current: ["ops"]))
    }

    /// A role a gateway would split in two (`X-Auth-Roles` is comma-separated, introspection's `scope` space-separated)
    /// is refused when granted or given at creation; one stored before the rule can still be withdrawn.
    @Test(.bug(id: 19, "a role named \"x,admin\" read as two roles at a gateway"))
    func aRoleThatWouldReadAsTwoIsRefused() async throws {
        let harness = try Harness()
        let accounts = harness.service.accounts
        let tia = try await accounts.createUser(username: "tia", password: Self.password, roles: ["ops"])
        for role in ["x,admin", "x admin", "", String(repeating: "r", count: 65), "caf\u{E9}", "a\nb"] {
            await #expect(throws: JWTAuthError.badRequest(""), "\(role)") { try await accounts.changeRoles(of: tia.id, adding: [role]) }
            await #expect(throws: JWTAuthError.badRequest(""), "\(role)") {
                try await accounts.createUser(username: "new-\(UInt32.random(in: 0...UInt32.max))", password: Self.password, roles: [role])
            }
        }
        #expect(try await accounts.user(id: tia.id).roles == ["ops"])
        for role in ["admin", "billing.read", "team:blue", "api/write", "A_B-1"] {
            _ = try await accounts.changeRoles(of: tia.id, adding: [role])
        }
        #expect(try await accounts.user(id: tia.id).roles == ["ops", "admin", "billing.read", "team:blue", "api/write", "A_B-1"])
        // A role stored before the rule (here straight in the store) can be withdrawn.
        _ = try await harness.users.changeRoles(ofUser: tia.id, adding: ["old,role"], removing: [])
        #expect(try await accounts.changeRoles(of: tia.id, removing: ["old,role"]).removed == ["old,role"])
    }

    /// A login whose credentials (and roles) were read just before an administrator withdrew a role must not
    /// come away with a token that carries it: the change lands between the check and the session being recorded.
    @Test(.bug(id: 19, "a login racing a withdrawn role kept a token with the role"))
    func aRoleWithdrawnBetweenTheCheckAndTheSessionIsInNoWorkingToken() async throws {
        let harness = try Harness()
        let accounts = harness.service.accounts
        let tess = try await accounts.createUser(username: "tess", password: Self.password, roles: ["admin", "ops"])
        let sessions = WithdrawingSessions(base: harness.users) { try await accounts.changeRoles(of: tess.id, removing: ["admin"]) }
        let service = harness.service(sessions: sessions)
        let pair = try await service.login(username: "tess", password: Self.password, clientAddress: "a")
        #expect(pair.access.claims.strings("roles") == ["ops"])
        #expect(try await harness.accepts(pair.access))
        let opened = sessions.opened.withLock { $0 }
        #expect(opened.count == 2, "the session started with the old roles is given up, another one started")
        let first = try #require(opened.first)
        #expect(try await harness.revocations.isRevoked(RevocationQuery(tokenID: "another", sessionID: first)))
        #expect(try await harness.users.openSessions(of: tess.id).map(\.id) == [try #require(pair.refresh.sessionID)])
    }

    /// The same race with a new password (`users passwd`, `PUT /auth/password`): a login checked against the old
    /// password must not come away with a session that outlives the change.
    @Test(.bug(id: 19, "a login racing a password change kept a working session"))
    func aPasswordChangedBetweenTheCheckAndTheSessionLeavesNoWorkingToken() async throws {
        let harness = try Harness()
        let accounts = harness.service.accounts
        let vera = try await accounts.createUser(username: "vera", password: Self.password)
        let sessions = WithdrawingSessions(base: harness.users) { try await accounts.changePassword(of: vera.id, to: "the new password") }
        let service = harness.service(sessions: sessions)
        await #expect(throws: JWTAuthError.invalidCredentials) {
            try await service.login(username: "vera", password: Self.password, clientAddress: "a")
        }
        let first = try #require(sessions.opened.withLock { $0 }.first)
        #expect(try await harness.revocations.isRevoked(RevocationQuery(tokenID: "another", sessionID: first)))
        #expect(try await harness.users.openSessions(of: vera.id).isEmpty)
        let after = try await service.login(username: "vera", password: "the new password", clientAddress: "a")
        #expect(try await harness.accepts(after.access))
    }
}

/// Sessions that run `change` (an administrator withdrawing a role or setting a password, at that very moment)
/// when the first session opens, before it is recorded.
final class WithdrawingSessions: ForwardingSessionStore {
    let base: any SessionStore
    let change: @Sendable () async throws -> Void
    let opened = Mutex<[String]>([])

    init(base: any SessionStore, change: @escaping @Sendable () async throws -> Void) {
        self.base = base
        self.change = change
    }

    func openSession(_ session: SessionRecord) async throws {
        if opened.withLock({ $0.isEmpty }) { try await change() }
        try await base.openSession(session)
        opened.withLock { $0.append(session.id) }
    }
}
