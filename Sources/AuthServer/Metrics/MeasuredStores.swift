import JWTAuth
import Metrics

/// A user store whose calls are timed into `jwt_auth_store_duration_seconds{store="users"}`.
struct MeasuredUserStore: UserStore {
    let base: any UserStore
    private let create, byName, byID, setHash, setDisabled, all, rename, roles, delete: Timer

    init(_ base: any UserStore) {
        self.base = base
        func timer(_ operation: String) -> Timer { ServiceMetrics.storeTimer("users", operation) }
        (create, byName, byID, setHash) = (timer("create"), timer("by_name"), timer("by_id"), timer("set_password"))
        (setDisabled, all, rename, delete) = (timer("set_disabled"), timer("list"), timer("rename"), timer("delete"))
        roles = timer("change_roles")
    }

    func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord {
        try await create.time { try await base.createUser(username: username, passwordHash: passwordHash, roles: roles) }
    }
    func user(named username: String) async throws -> UserRecord? { try await byName.time { try await base.user(named: username) } }
    func user(id: String) async throws -> UserRecord? { try await byID.time { try await base.user(id: id) } }
    func setPasswordHash(_ passwordHash: String, forUser id: String) async throws {
        try await setHash.time { try await base.setPasswordHash(passwordHash, forUser: id) }
    }
    func setDisabled(_ isDisabled: Bool, forUser id: String) async throws {
        try await setDisabled.time { try await base.setDisabled(isDisabled, forUser: id) }
    }
    func allUsers() async throws -> [UserRecord] { try await all.time { try await base.allUsers() } }
    func renameUser(id: String, to username: String) async throws { try await rename.time { try await base.renameUser(id: id, to: username) } }
    func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange? {
        try await roles.time { try await base.changeRoles(ofUser: id, adding: adding, removing: removing) }
    }
    func deleteUser(id: String) async throws { try await delete.time { try await base.deleteUser(id: id) } }
}

/// A session store whose calls are timed into `jwt_auth_store_duration_seconds{store="sessions"}`, and each
/// refresh counted as rotated or, its refresh token spent before, as reuse detected.
struct MeasuredSessionStore: SessionStore {
    let base: any SessionStore
    let metrics: ServiceMetrics
    private let open, rotate, record, get, list, end: Timer

    init(_ base: any SessionStore, metrics: ServiceMetrics) {
        self.base = base
        self.metrics = metrics
        func timer(_ operation: String) -> Timer { ServiceMetrics.storeTimer("sessions", operation) }
        (open, rotate, record) = (timer("open"), timer("rotate"), timer("record_access_token"))
        (get, list, end) = (timer("get"), timer("list"), timer("end"))
    }

    func openSession(_ session: SessionRecord) async throws { try await open.time { try await base.openSession(session) } }
    func rotateRefreshToken(_ replacement: RefreshTokenReplacement) async throws -> RefreshTokenRotation {
        let rotation = try await rotate.time {
            try await base.rotateRefreshToken(replacement)
        }
        switch rotation {
        case .rotated: metrics.refreshRotated.increment()
        case .reused: metrics.refreshReuseDetected.increment()
        case .ended: break
        }
        return rotation
    }
    func recordAccessToken(sessionID: String, until: Double) async throws -> Bool {
        try await record.time { try await base.recordAccessToken(sessionID: sessionID, until: until) }
    }
    func session(_ sessionID: String) async throws -> SessionRecord? { try await get.time { try await base.session(sessionID) } }
    func openSessions(of subject: String) async throws -> [SessionRecord] { try await list.time { try await base.openSessions(of: subject) } }
    func endSession(_ sessionID: String) async throws -> Double? { try await end.time { try await base.endSession(sessionID) } }
}

/// The revocation store as the auth service writes to it: each call timed into
/// `jwt_auth_store_duration_seconds{store="revocations"}` and each revocation counted. The per-request check
/// (`isRevoked`) is timed by the token verifier as `jwt_auth_revocation_store_duration_seconds`.
struct MeasuredRevocationStore: RevocationStore {
    let base: any RevocationStore
    let metrics: ServiceMetrics
    private let revokeToken, revokeSession, revokeAll, check: Timer

    init(_ base: any RevocationStore, metrics: ServiceMetrics) {
        self.base = base
        self.metrics = metrics
        func timer(_ operation: String) -> Timer { ServiceMetrics.storeTimer("revocations", operation) }
        (revokeToken, revokeSession, revokeAll) = (timer("revoke_token"), timer("revoke_session"), timer("revoke_user"))
        check = timer("check")
    }

    func revoke(tokenID: String, until: Double) async throws {
        try await revokeToken.time { try await base.revoke(tokenID: tokenID, until: until) }
        metrics.revokedToken.increment()
    }
    func revoke(sessionID: String, until: Double) async throws {
        try await revokeSession.time { try await base.revoke(sessionID: sessionID, until: until) }
        metrics.revokedSession.increment()
    }
    func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        try await revokeAll.time { try await base.revokeAll(subject: subject, issuedBefore: cutoff) }
        metrics.revokedUser.increment()
    }
    func isRevoked(_ query: RevocationQuery) async throws -> Bool { try await check.time { try await base.isRevoked(query) } }
}
