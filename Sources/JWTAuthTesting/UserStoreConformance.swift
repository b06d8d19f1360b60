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
        try await sessionsOpenAndEnd()
        try await refreshTokensRotateOnce()
        try await concurrentRotationsGiveExactlyOneWinner()
        try await accessTokensAreRecordedInLiveSessionsOnly()
        try await endedSessionStaysEnded()
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

    private func session(_ id: String, of subject: String, refresh: String? = nil, access: Double, until: Double) -> SessionRecord {
        SessionRecord(id: id, subject: subject, refreshTokenID: refresh, accessTokensUntil: access, expiresAt: until)
    }

    public func sessionsOpenAndEnd() async throws {
        let store = try await makeStore()
        let now = now
        let (subject, other) = (unique("sub"), unique("sub"))
        let (sid, otherSID) = (unique("sid"), unique("sid"))
        let until = now + 600
        try expect(try await store.openSessions(of: subject).isEmpty, "a new subject has open sessions")
        let opened = session(sid, of: subject, refresh: unique("jti"), access: now + 60, until: until)
        try await store.openSession(opened)
        try await store.openSession(session(otherSID, of: other, access: now + 60, until: now + 60))
        try expect(try await store.openSessions(of: subject) == [opened], "the open session is not listed as opened")
        try expect(try await store.session(sid) == opened, "session(_:) does not give the session as opened")
        try expect(try await store.session(otherSID)?.refreshTokenID == nil, "a session without refresh token has one")
        try expect(try await store.endSession(sid) == now + 60, "ending a session did not give its access tokens' end")
        try expect(try await store.openSessions(of: subject).isEmpty, "an ended session is still open")
        try expect(try await store.session(sid) == nil, "an ended session is still live")
        try expect(try await store.openSessions(of: other).map(\.id) == [otherSID], "ending one session ended another")
        try expect(try await store.endSession(unique("sid")) == nil, "ending an unknown session gave a time")
    }

    public func refreshTokensRotateOnce() async throws {
        let store = try await makeStore()
        let now = now
        let (subject, sid) = (unique("sub"), unique("sid"))
        let (first, second, third) = (unique("jti"), unique("jti"), unique("jti"))
        try await store.openSession(session(sid, of: subject, refresh: first, access: now + 60, until: now + 600))
        func rotate(_ presented: String, _ next: String, access: Double = now + 120, until: Double = now + 900) async throws -> RefreshTokenRotation {
            try await store.rotateRefreshToken(
                RefreshTokenReplacement(sessionID: sid, presented: presented, next: next, accessTokensUntil: access, until: until)
            )
        }
        try expect(try await rotate(second, third) == .reused, "a refresh token that is not the current one rotated")
        try expect(try await rotate(first, second) == .rotated, "the current refresh token did not rotate")
        let rotated = try await store.session(sid)
        try expect(rotated?.refreshTokenID == second, "a rotation did not make the new refresh token current")
        try expect(rotated?.accessTokensUntil == now + 120 && rotated?.expiresAt == now + 900, "a rotation did not move the session's ends on")
        try expect(try await rotate(first, third) == .reused, "a spent refresh token rotated again")
        try expect(try await rotate(second, third, access: now + 1, until: now + 2) == .rotated, "the new current refresh token did not rotate")
        try expect(try await store.session(sid)?.expiresAt == now + 900, "a rotation moved the session's end back")
        try expect(try await store.session(sid)?.accessTokensUntil == now + 120, "a rotation moved the access tokens' end back")
        _ = try await store.endSession(sid)
        try expect(try await rotate(third, unique("jti")) == .ended, "the current refresh token of an ended session rotated")
        let unknown = try await store.rotateRefreshToken(
            RefreshTokenReplacement(sessionID: unique("sid"), presented: first, next: third, accessTokensUntil: now, until: now)
        )
        try expect(unknown == .ended, "a refresh token of an unknown session rotated")
    }

    public func concurrentRotationsGiveExactlyOneWinner() async throws {
        let store = try await makeStore()
        let now = now
        let (sid, current) = (unique("sid"), unique("jti"))
        try await store.openSession(session(sid, of: unique("sub"), refresh: current, access: now + 60, until: now + 600))
        let (access, until) = (now + 120, now + 900)
        let rotations = try await withThrowingTaskGroup(of: RefreshTokenRotation.self) { group in
            for index in 0..<50 {
                group.addTask {
                    try await store.rotateRefreshToken(
                        RefreshTokenReplacement(sessionID: sid, presented: current, next: "next-\(index)", accessTokensUntil: access, until: until)
                    )
                }
            }
            return try await group.reduce(into: [RefreshTokenRotation]()) { $0.append($1) }
        }
        let winners = rotations.filter { $0 == .rotated }.count
        try expect(winners == 1, "50 concurrent rotations of one refresh token gave \(winners) winners")
        try expect(rotations.allSatisfy { $0 != .ended }, "a concurrent rotation of a live session saw it ended")
    }

    public func accessTokensAreRecordedInLiveSessionsOnly() async throws {
        let store = try await makeStore()
        let now = now
        let sid = unique("sid")
        try await store.openSession(session(sid, of: unique("sub"), refresh: unique("jti"), access: now + 60, until: now + 600))
        try expect(try await store.recordAccessToken(sessionID: sid, until: now + 300), "an access token was not recorded in a live session")
        try expect(try await store.recordAccessToken(sessionID: sid, until: now + 30), "a second access token was not recorded")
        try expect(try await store.session(sid)?.accessTokensUntil == now + 300, "recording moved the access tokens' end back")
        try expect(try await store.endSession(sid) == now + 300, "ending a session forgot a recorded access token")
        try expect(try await !store.recordAccessToken(sessionID: sid, until: now + 400), "an access token was recorded in an ended session")
        try expect(
            try await !store.recordAccessToken(sessionID: unique("sid"), until: now + 400),
            "an access token was recorded in an unknown session"
        )
    }

    public func endedSessionStaysEnded() async throws {
        let store = try await makeStore()
        let now = now
        let (subject, sid, jti) = (unique("sub"), unique("sid"), unique("jti"))
        try await store.openSession(session(sid, of: subject, refresh: jti, access: now + 60, until: now + 600))
        _ = try await store.endSession(sid)
        try await store.openSession(session(sid, of: subject, refresh: jti, access: now + 60, until: now + 600))
        try expect(try await store.session(sid) == nil, "recording an ended session again brought it back")
    }

    public func expiredSessionsAreNotOpen() async throws {
        guard let clock else { return }
        let store = try await makeStore()
        let subject = unique("sub")
        let (short, long) = (unique("sid"), unique("sid"))
        try await store.openSession(session(short, of: subject, refresh: unique("jti"), access: clock.now + 5, until: clock.now + 10))
        let longSession = session(long, of: subject, refresh: unique("jti"), access: clock.now + 5, until: clock.now + 100)
        try await store.openSession(longSession)
        clock.advance(by: .seconds(11))
        try expect(try await store.openSessions(of: subject) == [longSession], "an expired session is still open")
        try expect(try await store.session(short) == nil, "an expired session is still live")
        let rotation = try await store.rotateRefreshToken(
            RefreshTokenReplacement(sessionID: short, presented: "x", next: "y", accessTokensUntil: clock.now, until: clock.now)
        )
        try expect(rotation == .ended, "a refresh token of an expired session rotated or was taken for reuse")
    }
}
