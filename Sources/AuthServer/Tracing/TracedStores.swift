import JWTAuth
import Tracing

/// One kind of store call traced: a span per call named `<operation> <store>` (`by_name users`, `check
/// revocations`), in OpenTelemetry's database form: kind client, `db.system.name` (`sqlite`, `postgresql`,
/// `redis`; none, and kind internal, for this process's memory) and `db.operation.name`, with
/// `jwt_auth.store` naming the store. A failed call sets the span's status to error and `error.type` to the
/// error's type; no argument or result is recorded (they are token ids, usernames and password hashes).
struct StoreSpan: Sendable {
    let store: String
    /// `db.system.name`; nil for the in-memory store.
    let system: String?

    func run<T>(_ operation: String, _ body: () async throws -> T) async throws -> T {
        let span = startSpan("\(operation) \(store)", ofKind: system == nil ? .internal : .client)
        defer { span.end() }
        if span.isRecording {
            span.attributes["db.system.name"] = system
            span.attributes["db.operation.name"] = operation
            span.attributes["jwt_auth.store"] = store
        }
        do {
            return try await body()
        } catch {
            span.attributes["error.type"] = String(describing: type(of: error))
            span.setStatus(SpanStatus(code: .error))
            throw error
        }
    }
}

/// The user store with each call in a span (``StoreSpan``), operations named as in
/// `jwt_auth_store_duration_seconds`.
struct TracedUserStore: UserStore {
    let base: any UserStore
    let span: StoreSpan

    init(_ base: any UserStore, system: String?) {
        self.base = base
        self.span = StoreSpan(store: "users", system: system)
    }

    func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord {
        try await span.run("create") { try await base.createUser(username: username, passwordHash: passwordHash, roles: roles) }
    }
    func user(named username: String) async throws -> UserRecord? { try await span.run("by_name") { try await base.user(named: username) } }
    func user(id: String) async throws -> UserRecord? { try await span.run("by_id") { try await base.user(id: id) } }
    func setPasswordHash(_ passwordHash: String, forUser id: String) async throws {
        try await span.run("set_password") { try await base.setPasswordHash(passwordHash, forUser: id) }
    }
    func setDisabled(_ isDisabled: Bool, forUser id: String) async throws {
        try await span.run("set_disabled") { try await base.setDisabled(isDisabled, forUser: id) }
    }
    func allUsers() async throws -> [UserRecord] { try await span.run("list") { try await base.allUsers() } }
    func renameUser(id: String, to username: String) async throws { try await span.run("rename") { try await base.renameUser(id: id, to: username) } }
    func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange? {
        try await span.run("change_roles") { try await base.changeRoles(ofUser: id, adding: adding, removing: removing) }
    }
    func deleteUser(id: String) async throws { try await span.run("delete") { try await base.deleteUser(id: id) } }
}

/// The session store with each call in a span (``StoreSpan``).
struct TracedSessionStore: SessionStore {
    let base: any SessionStore
    let span: StoreSpan

    init(_ base: any SessionStore, system: String?) {
        self.base = base
        self.span = StoreSpan(store: "sessions", system: system)
    }

    func openSession(_ session: SessionRecord) async throws { try await span.run("open") { try await base.openSession(session) } }
    func rotateRefreshToken(_ replacement: RefreshTokenReplacement) async throws -> RefreshTokenRotation {
        try await span.run("rotate") {
            try await base.rotateRefreshToken(replacement)
        }
    }
    func recordAccessToken(sessionID: String, until: Double) async throws -> Bool {
        try await span.run("record_access_token") { try await base.recordAccessToken(sessionID: sessionID, until: until) }
    }
    func session(_ sessionID: String) async throws -> SessionRecord? { try await span.run("get") { try await base.session(sessionID) } }
    func openSessions(of subject: String) async throws -> [SessionRecord] { try await span.run("list") { try await base.openSessions(of: subject) } }
    func endSession(_ sessionID: String) async throws -> Double? { try await span.run("end") { try await base.endSession(sessionID) } }
}

/// The revocation store with each call in a span (``StoreSpan``): the per-request revocation check of every
/// verified token is `check revocations`.
struct TracedRevocationStore: RevocationStore {
    let base: any RevocationStore
    let span: StoreSpan

    init(_ base: any RevocationStore, system: String?) {
        self.base = base
        self.span = StoreSpan(store: "revocations", system: system)
    }

    func revoke(tokenID: String, until: Double) async throws {
        try await span.run("revoke_token") { try await base.revoke(tokenID: tokenID, until: until) }
    }
    func revoke(sessionID: String, until: Double) async throws {
        try await span.run("revoke_session") { try await base.revoke(sessionID: sessionID, until: until) }
    }
    func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {
        try await span.run("revoke_user") { try await base.revokeAll(subject: subject, issuedBefore: cutoff) }
    }
    func isRevoked(_ query: RevocationQuery) async throws -> Bool { try await span.run("check") { try await base.isRevoked(query) } }
}

extension ServiceStores {
    /// The stores as the service's requests use them, each call traced: users and sessions in the database,
    /// revocations where the per-request check is answered (the database, this process's memory, or Redis).
    func traced(_ configuration: AuthServerConfiguration) -> (users: any UserStore, sessions: any SessionStore, revocations: any RevocationStore) {
        guard TraceExport.isTracing else { return (users, sessions, revocations) }
        let database = if case .postgres = configuration.database { "postgresql" } else { "sqlite" }
        let blocklist: String? =
            switch blocklist {
            case .database: database
            case .memory: nil
            case .redis: "redis"
            }
        return (
            TracedUserStore(users, system: database), TracedSessionStore(sessions, system: database),
            TracedRevocationStore(revocations, system: blocklist)
        )
    }
}
