public import JWTAuth

/// The behaviour every ``UserStore`` and ``SessionStore`` must have, as a suite any test framework can run:
/// `try await UserStoreConformance(makeStore: { MemoryUserStore(clock: clock.clock) }, clock: clock).run()`.
///
/// Each check gets a new store from `makeStore` and throws ``Failure`` naming the first broken rule. Names
/// and session ids are unique per run, so a store shared between checks works too.
public struct UserStoreConformance: Sendable {
    /// A broken rule.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    public let makeStore: @Sendable () async throws -> any UserStore & SessionStore
    /// The clock the store reads, when it can be set; time-dependent checks run only then.
    public let clock: SettableClock?

    public init(makeStore: @escaping @Sendable () async throws -> any UserStore & SessionStore, clock: SettableClock? = nil) {
        self.makeStore = makeStore
        self.clock = clock
    }

    /// Runs every check.
    public func run() async throws {
        try await createdUserIsFoundByNameAndID()
        try await idsAreCanonicalDecimalStrings()
        try await duplicateNameIsAConflict()
        try await concurrentCreatesOfOneNameGiveOneWinner()
        try await namesAreComparedByTheirCaseMappedKey()
        try await concurrentCreatesOfNamesWithOneKeyGiveOneWinner()
        try await unicodeAndMetacharactersAreStoredAsGiven()
        try await renamedUserIsFoundByTheNewNameOnly()
        try await renameToAnotherUsersKeyIsAConflict()
        try await deletedUserIsGone()
        try await passwordHashIsReplaced()
        try await userIsDisabledAndEnabled()
        try await rolesAreAddedAndRemovedInOneChange()
        try await concurrentRoleChangesAreAllKept()
        try await allUsersListsTheRecordsByID()
        try await sessionsOpenExtendAndClose()
        if clock != nil { try await expiredSessionsAreNotOpen() }
    }

    private func expect(_ condition: Bool, _ message: String) throws {
        if !condition { throw Failure(description: message) }
    }

    private func unique(_ prefix: String) -> String {
        "\(prefix)-\(UInt64.random(in: 0...UInt64.max))"
    }

    private var now: Double { clock?.now ?? JWTClock.system.now }

    public func createdUserIsFoundByNameAndID() async throws {
        let store = try await makeStore()
        let name = unique("alice")
        try expect(try await store.user(named: name) == nil, "an unknown name was found")
        let user = try await store.createUser(username: name, passwordHash: "$2b$04$hash", roles: ["admin", "ops"])
        try expect(user.username == name && user.passwordHash == "$2b$04$hash", "the new record differs from what was given")
        try expect(user.roles == ["admin", "ops"] && !user.isDisabled, "the new record's roles or state differ")
        if let clock { try expect(user.createdAt == clock.now, "createdAt is not the clock's time") }
        try expect(try await store.user(named: name) == user, "the user found by name differs from the one created")
        try expect(try await store.user(id: user.id) == user, "the user found by id differs from the one created")
    }

    public func idsAreCanonicalDecimalStrings() async throws {
        let store = try await makeStore()
        let first = try await store.createUser(username: unique("a"), passwordHash: "h", roles: [])
        let second = try await store.createUser(username: unique("b"), passwordHash: "h", roles: [])
        for user in [first, second] {
            try expect(!user.id.isEmpty && user.id.allSatisfy { $0.isASCII && $0.isNumber }, "id \(user.id) is not decimal")
        }
        try expect(first.id != second.id, "two users got the same id")
        for id in ["0\(first.id)", "+\(first.id)", " \(first.id)", "\(first.id).0", "abc", ""] {
            try expect(try await store.user(id: id) == nil, "the id '\(id)' found a user")
        }
    }

    public func duplicateNameIsAConflict() async throws {
        let store = try await makeStore()
        let name = unique("bob")
        let user = try await store.createUser(username: name, passwordHash: "one", roles: [])
        do {
            _ = try await store.createUser(username: name, passwordHash: "two", roles: ["admin"])
            throw Failure(description: "a duplicate username was created")
        } catch let error as JWTAuthError {
            try expect(error.code == .conflict, "a duplicate username gave \(error.code), not conflict")
        }
        try expect(try await store.user(named: name) == user, "a refused duplicate changed the first user")
    }

    public func concurrentCreatesOfOneNameGiveOneWinner() async throws {
        let store = try await makeStore()
        let name = unique("race")
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<30 {
                group.addTask {
                    do {
                        _ = try await store.createUser(username: name, passwordHash: "h\(index)", roles: [])
                        return true
                    } catch let error as JWTAuthError where error.code == .conflict {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        let winners = outcomes.filter { $0 }.count
        try expect(winners == 1, "30 concurrent creations of one name gave \(winners) successes")
    }

    /// RFC 8265's UsernameCaseMapped comparison: `Carol` and `carol` are one account, stored as first given.
    public func namesAreComparedByTheirCaseMappedKey() async throws {
        let store = try await makeStore()
        let suffix = unique("")
        let upper = try await store.createUser(username: "Carol\(suffix)", passwordHash: "h", roles: [])
        do {
            _ = try await store.createUser(username: "carol\(suffix)", passwordHash: "h2", roles: [])
            throw Failure(description: "a name differing only in case was created as another user")
        } catch let error as JWTAuthError {
            try expect(error.code == .conflict, "a name differing only in case gave \(error.code), not conflict")
        }
        try expect(try await store.user(named: "CAROL\(suffix)") == upper, "a lookup in another case did not find the user")
        try expect(try await store.user(named: "carol\(suffix)")?.username == "Carol\(suffix)", "the name is not stored as given")
        try expect(try await store.user(named: "Carol\(suffix) ") == nil, "a lookup ignored a trailing space")
        try expect(try await store.user(named: "Caro\(suffix)") == nil, "a lookup matched a prefix")
    }

    public func concurrentCreatesOfNamesWithOneKeyGiveOneWinner() async throws {
        let store = try await makeStore()
        let suffix = unique("")
        let names = (0..<30).map { $0.isMultiple(of: 2) ? "Alice\(suffix)" : "alice\(suffix)" }
        let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
            for name in names {
                group.addTask {
                    do {
                        _ = try await store.createUser(username: name, passwordHash: "h", roles: [])
                        return true
                    } catch let error as JWTAuthError where error.code == .conflict {
                        return false
                    }
                }
            }
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        let winners = outcomes.filter { $0 }.count
        try expect(winners == 1, "concurrent creations of Alice and alice gave \(winners) successes")
    }

    public func unicodeAndMetacharactersAreStoredAsGiven() async throws {
        let store = try await makeStore()
        let suffix = unique("")
        let names = ["Zo\u{EB}\(suffix)", "名前\(suffix)", "🙂\(suffix)", "o'brien\"; DROP TABLE users;--\(suffix)", "50%_\\\(suffix)"]
        for name in names {
            let user = try await store.createUser(username: name, passwordHash: "h", roles: [])
            let found = try await store.user(named: name)
            try expect(found?.id == user.id, "the name \(name) was not found as stored")
            try expect(found.map { Array($0.username.utf8) } == Array(name.utf8), "the name \(name) came back with other bytes")
        }
        try expect(try await store.user(named: "%\(suffix)") == nil, "a wildcard in a name matched another")
    }

    public func renamedUserIsFoundByTheNewNameOnly() async throws {
        let store = try await makeStore()
        let user = try await store.createUser(username: unique("ivan"), passwordHash: "h", roles: ["r"])
        let name = unique("Ivanka")
        try await store.renameUser(id: user.id, to: name)
        try expect(try await store.user(named: name.lowercased())?.id == user.id, "the renamed user is not found by the new name")
        try expect(try await store.user(id: user.id)?.username == name, "the new name is not stored as given")
        try expect(try await store.user(named: user.username) == nil, "the old name still finds the user")
        try expect(try await store.user(id: user.id)?.roles == ["r"], "renaming changed the roles")
        let again = try await store.createUser(username: user.username, passwordHash: "h", roles: [])
        try expect(again.id != user.id, "the old name could not be taken again")
        try await store.renameUser(id: user.id, to: name.uppercased())
        try expect(try await store.user(id: user.id)?.username == name.uppercased(), "a user cannot be renamed to another case of the name")
    }

    public func renameToAnotherUsersKeyIsAConflict() async throws {
        let store = try await makeStore()
        let first = try await store.createUser(username: unique("judy"), passwordHash: "h", roles: [])
        let second = try await store.createUser(username: unique("kim"), passwordHash: "h", roles: [])
        do {
            try await store.renameUser(id: second.id, to: first.username.uppercased())
            throw Failure(description: "a user was renamed to another user's name in another case")
        } catch let error as JWTAuthError {
            try expect(error.code == .conflict, "renaming to a taken name gave \(error.code), not conflict")
        }
        try expect(try await store.user(id: second.id) == second, "a refused rename changed the user")
    }

    public func deletedUserIsGone() async throws {
        let store = try await makeStore()
        let user = try await store.createUser(username: unique("Leo"), passwordHash: "h", roles: [])
        let other = try await store.createUser(username: unique("mia"), passwordHash: "h", roles: [])
        try await store.deleteUser(id: user.id)
        try expect(try await store.user(id: user.id) == nil, "a deleted user is found by id")
        try expect(try await store.user(named: user.username) == nil, "a deleted user is found by name")
        try expect(try await store.allUsers().allSatisfy { $0.id != user.id }, "a deleted user is listed")
        try expect(try await store.user(id: other.id) == other, "deleting one user changed another")
        try await store.deleteUser(id: user.id)
        let again = try await store.createUser(username: user.username.lowercased(), passwordHash: "h", roles: [])
        try expect(again.id != user.id, "a deleted user's id was given again")
    }

    public func passwordHashIsReplaced() async throws {
        let store = try await makeStore()
        let user = try await store.createUser(username: unique("dave"), passwordHash: "old", roles: ["r"])
        let other = try await store.createUser(username: unique("erin"), passwordHash: "old", roles: [])
        try await store.setPasswordHash("new", forUser: user.id)
        try expect(try await store.user(id: user.id)?.passwordHash == "new", "the password hash was not replaced")
        try expect(try await store.user(named: user.username)?.passwordHash == "new", "the lookup by name has the old hash")
        try expect(try await store.user(id: user.id)?.roles == ["r"], "replacing the hash changed the roles")
        try expect(try await store.user(id: other.id)?.passwordHash == "old", "another user's hash was replaced")
    }

    public func userIsDisabledAndEnabled() async throws {
        let store = try await makeStore()
        let user = try await store.createUser(username: unique("frank"), passwordHash: "h", roles: [])
        let other = try await store.createUser(username: unique("grace"), passwordHash: "h", roles: [])
        try await store.setDisabled(true, forUser: user.id)
        try expect(try await store.user(id: user.id)?.isDisabled == true, "a disabled user is not disabled")
        try expect(try await store.user(named: user.username)?.isDisabled == true, "the lookup by name is not disabled")
        try expect(try await store.user(id: other.id)?.isDisabled == false, "disabling one user disabled another")
        try await store.setDisabled(false, forUser: user.id)
        try expect(try await store.user(id: user.id)?.isDisabled == false, "an enabled user is still disabled")
    }

    /// ``UserStore/changeRoles(ofUser:adding:removing:)``: adding, removing, both at once, again (nothing
    /// changes), a role the user does not have, an unknown user.
    public func rolesAreAddedAndRemovedInOneChange() async throws {
        let store = try await makeStore()
        let user = try await store.createUser(username: unique("olga"), passwordHash: "h", roles: ["reader", "ops"])
        let other = try await store.createUser(username: unique("pat"), passwordHash: "h", roles: ["ops"])
        func change(_ adding: [String], _ removing: [String], _ before: [String], _ after: [String], _ what: String) async throws {
            let change = try await store.changeRoles(ofUser: user.id, adding: adding, removing: removing)
            try expect(
                change == RoleChange(previous: before, current: after),
                "\(what) gave \(String(describing: change)), not \(before) to \(after)"
            )
            try expect(try await store.user(id: user.id)?.roles == after, "\(what) did not store \(after)")
        }
        try await change(["admin"], [], ["reader", "ops"], ["reader", "ops", "admin"], "adding a role")
        try await change([], ["reader"], ["reader", "ops", "admin"], ["ops", "admin"], "removing a role")
        try await change(["auditor", "billing"], ["ops"], ["ops", "admin"], ["admin", "auditor", "billing"], "adding and removing at once")
        try await change(["admin", "auditor"], [], ["admin", "auditor", "billing"], ["admin", "auditor", "billing"], "adding roles again")
        try await change([], ["ghost"], ["admin", "auditor", "billing"], ["admin", "auditor", "billing"], "removing a role not there")
        try await change(
            ["o'brien\"; DROP TABLE users;--", "名前"],
            ["auditor", "billing"],
            ["admin", "auditor", "billing"],
            ["admin", "o'brien\"; DROP TABLE users;--", "名前"],
            "roles with metacharacters"
        )
        try await change(
            [],
            ["admin", "o'brien\"; DROP TABLE users;--", "名前"],
            ["admin", "o'brien\"; DROP TABLE users;--", "名前"],
            [],
            "removing every role"
        )
        try expect(try await store.user(named: user.username)?.roles == [], "the lookup by name has other roles")
        let found = try await store.user(id: user.id)
        try expect(found?.passwordHash == "h" && found?.isDisabled == false, "changing roles changed more than the roles")
        try expect(try await store.user(id: other.id)?.roles == ["ops"], "changing one user's roles changed another's")
        for id in ["0\(user.id)", "abc", "", String((Int(other.id) ?? 0) + 1_000_000)] {
            try expect(try await store.changeRoles(ofUser: id, adding: ["admin"], removing: []) == nil, "the unknown id '\(id)' changed roles")
        }
    }

    /// Changes of one user's roles at once, each granting its own role and withdrawing another's: none is lost
    /// (no change is computed from roles another one has replaced meanwhile).
    public func concurrentRoleChangesAreAllKept() async throws {
        let store = try await makeStore()
        let initial = (0..<20).map { "old\($0)" }
        let user = try await store.createUser(username: unique("quinn"), passwordHash: "h", roles: initial)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for index in 0..<20 {
                group.addTask {
                    _ = try await store.changeRoles(ofUser: user.id, adding: ["new\(index)"], removing: ["old\(index)"])
                }
            }
            try await group.waitForAll()
        }
        let roles = try await store.user(id: user.id)?.roles ?? []
        try expect(Set(roles) == Set((0..<20).map { "new\($0)" }) && roles.count == 20, "concurrent role changes left \(roles)")
    }

    public func allUsersListsTheRecordsByID() async throws {
        let store = try await makeStore()
        let created = [
            try await store.createUser(username: unique("h"), passwordHash: "h1", roles: ["a"]),
            try await store.createUser(username: unique("i"), passwordHash: "h2", roles: []),
        ]
        let all = try await store.allUsers()
        for user in created {
            try expect(all.filter { $0.id == user.id } == [user], "allUsers does not list user \(user.id) once, as created")
        }
        let ids = all.map { Int($0.id) ?? -1 }
        try expect(ids == ids.sorted() && Set(ids).count == ids.count, "allUsers is not ordered by id")
        for user in all {
            try expect(try await store.user(id: user.id) == user, "allUsers lists a record that user(id:) does not give")
        }
    }

    public func sessionsOpenExtendAndClose() async throws {
        let store = try await makeStore()
        let (subject, other) = (unique("sub"), unique("sub"))
        let (sid, otherSID) = (unique("sid"), unique("sid"))
        let until = now + 600
        try expect(try await store.openSessions(of: subject).isEmpty, "a new subject has open sessions")
        try await store.openSession(sid, subject: subject, until: until)
        try await store.openSession(otherSID, subject: other, until: until)
        try expect(try await store.openSessions(of: subject) == [sid: until], "the open session is not listed as opened")
        try await store.extendSession(sid, until: until + 300)
        try expect(try await store.openSessions(of: subject) == [sid: until + 300], "extending a session did not move its end")
        try await store.extendSession(unique("sid"), until: until)
        try expect(try await store.openSessions(of: subject).count == 1, "extending an unknown session opened one")
        try await store.closeSession(sid)
        try expect(try await store.openSessions(of: subject).isEmpty, "a closed session is still open")
        try expect(try await store.openSessions(of: other) == [otherSID: until], "closing one session closed another")
        try await store.closeSession(unique("sid"))
    }

    public func expiredSessionsAreNotOpen() async throws {
        guard let clock else { return }
        let store = try await makeStore()
        let subject = unique("sub")
        let (short, long) = (unique("sid"), unique("sid"))
        try await store.openSession(short, subject: subject, until: clock.now + 10)
        let longUntil = clock.now + 100
        try await store.openSession(long, subject: subject, until: longUntil)
        clock.advance(by: .seconds(11))
        try expect(try await store.openSessions(of: subject) == [long: longUntil], "an expired session is still open")
    }
}
