public import JWTAuth
import PostgresNIO

extension PostgresStore: UserStore {
    /// One statement: `ON CONFLICT DO NOTHING` on the unique name, so of any number of concurrent
    /// creations of one name, on any instance, exactly one gets a row back.
    public func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord {
        let createdAt = clock.now
        let id = try await perform("create user") { [client] () -> Int64? in
            let rows = try await client.query(
                """
                INSERT INTO jwt_auth_users (username, password_hash, roles, disabled, created_at)
                VALUES (\(username), \(passwordHash), \(roles), false, \(createdAt))
                ON CONFLICT (username) DO NOTHING
                RETURNING id
                """
            )
            var id: Int64?
            for try await value in rows.decode(Int64.self) { id = value }
            return id
        }
        guard let id else { throw JWTAuthError.conflict() }
        return UserRecord(id: String(id), username: username, passwordHash: passwordHash, roles: roles, createdAt: createdAt)
    }

    public func user(named username: String) async throws -> UserRecord? {
        try await perform("find user") { [client] in
            try await Self.records(client.query("SELECT \(unescaped: Self.columns) FROM jwt_auth_users WHERE username = \(username)")).first
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        guard let rowID = Self.rowID(id) else { return nil }
        return try await perform("find user") { [client] in
            try await Self.records(client.query("SELECT \(unescaped: Self.columns) FROM jwt_auth_users WHERE id = \(rowID)")).first
        }
    }

    public func setPasswordHash(_ passwordHash: String, forUser id: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        try await perform("set password") { [client] in
            try await client.runStatement("UPDATE jwt_auth_users SET password_hash = \(passwordHash) WHERE id = \(rowID)")
        }
    }

    public func setDisabled(_ isDisabled: Bool, forUser id: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        try await perform("set disabled") { [client] in
            try await client.runStatement("UPDATE jwt_auth_users SET disabled = \(isDisabled) WHERE id = \(rowID)")
        }
    }

    public func allUsers() async throws -> [UserRecord] {
        try await perform("list users") { [client] in
            try await Self.records(client.query("SELECT \(unescaped: Self.columns) FROM jwt_auth_users ORDER BY id"))
        }
    }

    private static let columns = "id, username, password_hash, roles, disabled, created_at"

    private static func records(_ rows: PostgresRowSequence) async throws -> [UserRecord] {
        var records: [UserRecord] = []
        for try await (id, username, hash, roles, disabled, createdAt) in rows.decode((Int64, String, String, [String], Bool, Double).self) {
            records.append(
                UserRecord(id: String(id), username: username, passwordHash: hash, roles: roles, isDisabled: disabled, createdAt: createdAt)
            )
        }
        return records
    }

    /// The row id for a user id: a canonical positive decimal ("7", not "07" or "+7"), else nil.
    private static func rowID(_ id: String) -> Int64? {
        guard let value = Int64(id), value > 0, String(value) == id else { return nil }
        return value
    }
}

extension PostgresClient {
    /// Runs a statement and reads its result to the end, which returns the connection to the pool.
    func runStatement(_ query: PostgresQuery) async throws {
        for try await _ in try await self.query(query) {}
    }
}
