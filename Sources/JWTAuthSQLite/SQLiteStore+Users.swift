public import JWTAuth
public import Logging
import SQLiteNIO

extension SQLiteStore: UserStore {
    public func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord {
        let createdAt = clock.now
        let id = try await write { db in
            do {
                let rows = try await db.query(
                    """
                    INSERT INTO users (username, username_key, password_hash, roles, disabled, created_at)
                    VALUES (?1, ?2, ?3, ?4, 0, ?5) RETURNING id
                    """,
                    [.text(username), .text(Username.key(username)), .text(passwordHash), .text(Self.encode(roles)), .float(createdAt)]
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
            try await db.query("SELECT \(Self.columns) FROM users WHERE username_key = ?1", [.text(Username.key(username))]).first.map(Self.record)
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

    /// Also on a file whose username-key step is pending (``openForRepair(path:clock:logger:)``), where the key
    /// is checked here instead of by the unique index.
    public func renameUser(id: String, to username: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        let key = Username.key(username)
        try await write { db in
            guard try await SQLiteMigrations.userVersion(db) > SQLiteMigrations.usernameKeyStep else {
                for row in try await db.query("SELECT id, username FROM users WHERE id != ?1", [.integer(rowID)])
                where Username.key(try row.text("username")) == key {
                    throw JWTAuthError.conflict()
                }
                _ = try await db.query("UPDATE users SET username = ?1 WHERE id = ?2", [.text(username), .integer(rowID)])
                return
            }
            do {
                _ = try await db.query(
                    "UPDATE users SET username = ?1, username_key = ?2 WHERE id = ?3",
                    [.text(username), .text(key), .integer(rowID)]
                )
            } catch let error as SQLiteError where error.reason == .constraintUniqueFailed || error.reason == .constraint {
                throw JWTAuthError.conflict()
            }
        }
    }

    /// Read and written in one transaction that holds the write lock from its start (`BEGIN IMMEDIATE`), so a
    /// change by another connection or process cannot come between.
    public func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange? {
        guard let rowID = Self.rowID(id) else { return nil }
        return try await write { db in
            guard let row = try await db.query("SELECT roles FROM users WHERE id = ?1", [.integer(rowID)]).first else { return nil }
            let change = RoleChange(previous: try Self.decodeRoles(try row.text("roles")), adding: adding, removing: removing)
            if change.current != change.previous {
                _ = try await db.query("UPDATE users SET roles = ?1 WHERE id = ?2", [.text(Self.encode(change.current)), .integer(rowID)])
            }
            return change
        }
    }

    public func deleteUser(id: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        try await write { db in
            _ = try await db.query("DELETE FROM users WHERE id = ?1", [.integer(rowID)])
        }
    }

    /// Opens the file at `path` as ``init(path:clock:synchronous:busyTimeout:logger:)`` does, except that a
    /// username-key step (schema 2) that finds existing names equal under RFC 8265's comparison is left
    /// pending instead of refusing with ``UsernameClash``: for `jwt-auth users rename` and `users delete`,
    /// which resolve the clash. On a file left pending, only ``allUsers()``, ``user(id:)``,
    /// ``renameUser(id:to:)``, ``deleteUser(id:)``, the password, disable and revocation operations work; the
    /// next ordinary open applies the step.
    public static func openForRepair(
        path: String,
        clock: JWTClock = .system,
        logger: Logger = Logger(label: "jwt-auth.sqlite")
    ) async throws -> SQLiteStore {
        try await SQLiteMigrations.$leavesClashingUsernamesPending.withValue(true) {
            try await SQLiteStore(path: path, clock: clock, logger: logger)
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

extension SQLiteStore: InstallationSecretStore {
    /// The read and the write in one transaction, so that of concurrent exchanges each sees the value the one
    /// before it wrote.
    public func exchangeInstallationValue(named name: String, with value: [UInt8]) async throws -> [UInt8]? {
        try await write { db in
            let row = try await db.query("SELECT secret FROM installation_secrets WHERE name = ?1", [.text(name)]).first
            _ = try await db.query(
                "INSERT INTO installation_secrets (name, secret) VALUES (?1, ?2) ON CONFLICT (name) DO UPDATE SET secret = excluded.secret",
                [.text(name), .blob(ByteBuffer(bytes: value))]
            )
            return row?.column("secret")?.blob.map { Array($0.readableBytesView) }
        }
    }

    /// Made in one transaction (`INSERT … ON CONFLICT DO NOTHING`, then read back), so that of concurrent
    /// first calls, in this process or another on the file, one secret is kept.
    public func installationSecret(named name: String) async throws -> [UInt8] {
        let candidate = Self.randomSecret()
        return try await write { db in
            _ = try await db.query(
                "INSERT INTO installation_secrets (name, secret) VALUES (?1, ?2) ON CONFLICT (name) DO NOTHING",
                [.text(name), .blob(ByteBuffer(bytes: candidate))]
            )
            let row = try await db.query("SELECT secret FROM installation_secrets WHERE name = ?1", [.text(name)]).first
            guard let blob = row?.column("secret")?.blob, blob.readableBytes == 32 else {
                throw SQLiteStoreError(description: "The installation secret \(name) is missing or not 32 bytes")
            }
            return Array(blob.readableBytesView)
        }
    }
}
