public import JWTAuth
import SQLiteNIO

extension SQLiteStore: UserStore {
    public func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord {
        let createdAt = clock.now
        let id = try await write { db in
            do {
                let rows = try await db.query(
                    """
                    INSERT INTO users (username, password_hash, roles, disabled, created_at)
                    VALUES (?1, ?2, ?3, 0, ?4) RETURNING id
                    """,
                    [.text(username), .text(passwordHash), .text(Self.encode(roles)), .float(createdAt)]
                )
                guard let row = rows.first else { throw SQLiteStoreError(description: "The new user has no id") }
                return try row.integer("id")
            } catch let error as SQLiteError where error.reason == .constraintUniqueFailed || error.reason == .constraint {
                throw JWTAuthError.conflict()
            }
        }
        return UserRecord(id: String(id), username: username, passwordHash: passwordHash, roles: roles, createdAt: createdAt)
    }

    public func user(named username: String) async throws -> UserRecord? {
        try await read { db in
            try await db.query("SELECT \(Self.columns) FROM users WHERE username = ?1", [.text(username)]).first.map(Self.record)
        }
    }

    public func user(id: String) async throws -> UserRecord? {
        guard let rowID = Self.rowID(id) else { return nil }
        return try await read { db in
            try await db.query("SELECT \(Self.columns) FROM users WHERE id = ?1", [.integer(rowID)]).first.map(Self.record)
        }
    }

    public func setPasswordHash(_ passwordHash: String, forUser id: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        try await write { db in
            _ = try await db.query("UPDATE users SET password_hash = ?1 WHERE id = ?2", [.text(passwordHash), .integer(rowID)])
        }
    }

    public func setDisabled(_ isDisabled: Bool, forUser id: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        try await write { db in
            _ = try await db.query("UPDATE users SET disabled = ?1 WHERE id = ?2", [.integer(isDisabled ? 1 : 0), .integer(rowID)])
        }
    }

    public func allUsers() async throws -> [UserRecord] {
        try await read { db in
            try await db.query("SELECT \(Self.columns) FROM users ORDER BY id").map(Self.record)
        }
    }

    private static let columns = "id, username, password_hash, roles, disabled, created_at"

    private static func record(_ row: SQLiteRow) throws -> UserRecord {
        UserRecord(
            id: String(try row.integer("id")),
            username: try row.text("username"),
            passwordHash: try row.text("password_hash"),
            roles: try decodeRoles(try row.text("roles")),
            isDisabled: try row.integer("disabled") != 0,
            createdAt: try row.real("created_at")
        )
    }

    /// The row id for a user id: a canonical positive decimal ("7", not "07" or "+7"), else nil.
    private static func rowID(_ id: String) -> SQLiteInt64? {
        guard let value = SQLiteInt64(id), value > 0, String(value) == id else { return nil }
        return value
    }

    private static func encode(_ roles: [String]) -> String {
        String(decoding: JSONWriter.encode(.array(roles.map { .string($0) })), as: UTF8.self)
    }

    private static func decodeRoles(_ text: String) throws -> [String] {
        let roles = try JSONParser().parse(Array(text.utf8)).arrayValue?.map(\.stringValue)
        guard let roles, !roles.contains(nil) else { throw SQLiteStoreError(description: "A user's roles are not a list of strings") }
        return roles.compactMap { $0 }
    }
}
