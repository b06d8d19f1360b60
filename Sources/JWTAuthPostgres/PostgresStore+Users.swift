public import JWTAuth
public import Logging
import PostgresNIO

extension PostgresStore: UserStore {
    /// One statement: `ON CONFLICT DO NOTHING` on the unique name and key, so of any number of concurrent
    /// creations of names with one key, on any instance, exactly one gets a row back.
    public func createUser(username: String, passwordHash: String, roles: [String]) async throws -> UserRecord {
        let createdAt = clock.now
        let key = Username.key(username)
        let id = try await perform("create user") { [client] () -> Int64? in
            let rows = try await client.query(
                """
                INSERT INTO jwt_auth_users (username, username_key, password_hash, roles, disabled, created_at)
                VALUES (\(username), \(key), \(passwordHash), \(roles), false, \(createdAt))
                ON CONFLICT DO NOTHING
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
        let key = Username.key(username)
        return try await perform("find user") { [client] in
            try await Self.records(client.query("SELECT \(unescaped: Self.columns) FROM jwt_auth_users WHERE username_key = \(key)")).first
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

    /// Also on a database whose username-key step is pending (``connectForRepair(url:clock:logger:)``), where
    /// the key is checked here, under a lock on the users table, instead of by the unique index.
    public func renameUser(id: String, to username: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        let key = Username.key(username)
        try await perform("rename user") { [client, logger] in
            try await Self.unwrappingStoreErrors {
                try await Self.rename(rowID, to: username, key: key, client: client, logger: logger)
            }
        }
    }

    private static func rename(_ rowID: Int64, to username: String, key: String, client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            guard try await PostgresMigrations.schemaVersion(connection, logger: logger) > PostgresMigrations.usernameKeyStep else {
                try await connection.query("LOCK TABLE jwt_auth_users IN SHARE ROW EXCLUSIVE MODE", logger: logger)
                let rows = try await connection.query("SELECT username FROM jwt_auth_users WHERE id <> \(rowID)", logger: logger)
                for try await other in rows.decode(String.self) where Username.key(other) == key { throw JWTAuthError.conflict() }
                try await connection.query("UPDATE jwt_auth_users SET username = \(username) WHERE id = \(rowID)", logger: logger)
                return
            }
            let rows = try await connection.query(
                """
                UPDATE jwt_auth_users SET username = \(username), username_key = \(key) WHERE id = \(rowID)
                AND NOT EXISTS (SELECT 1 FROM jwt_auth_users WHERE id <> \(rowID) AND (username_key = \(key) OR username = \(username)))
                RETURNING id
                """,
                logger: logger
            )
            var updated = false
            for try await _ in rows { updated = true }
            let exists = try await connection.query("SELECT 1 FROM jwt_auth_users WHERE id = \(rowID)", logger: logger)
            var found = false
            for try await _ in exists { found = true }
            if found && !updated { throw JWTAuthError.conflict() }
        }
    }

    /// Runs `body`, giving a `JWTAuthError` thrown inside a transaction as itself rather than wrapped.
    private static func unwrappingStoreErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as PostgresTransactionError {
            if let inner = error.closureError as? JWTAuthError { throw inner }
            throw error
        }
    }

    /// Read (`SELECT … FOR UPDATE`, which locks the row) and written in one transaction, so a change by another
    /// instance waits for this one and then sees its result.
    public func changeRoles(ofUser id: String, adding: [String], removing: [String]) async throws -> RoleChange? {
        guard let rowID = Self.rowID(id) else { return nil }
        return try await perform("change roles") { [client, logger] () -> RoleChange? in
            try await client.withTransaction(logger: logger) { connection -> RoleChange? in
                let rows = try await connection.query("SELECT roles FROM jwt_auth_users WHERE id = \(rowID) FOR UPDATE", logger: logger)
                var previous: [String]?
                for try await roles in rows.decode([String].self) { previous = roles }
                guard let previous else { return nil }
                let change = RoleChange(previous: previous, adding: adding, removing: removing)
                if change.current != change.previous {
                    try await connection.query("UPDATE jwt_auth_users SET roles = \(change.current) WHERE id = \(rowID)", logger: logger)
                }
                return change
            }
        }
    }

    public func deleteUser(id: String) async throws {
        guard let rowID = Self.rowID(id) else { return }
        try await perform("delete user") { [client] in
            try await client.runStatement("DELETE FROM jwt_auth_users WHERE id = \(rowID)")
        }
    }

    /// Connects as ``connect(url:clock:timeout:logger:)`` does, except that a username-key step (schema 3)
    /// that finds existing names equal under RFC 8265's comparison is left pending instead of refusing: for
    /// `jwt-auth users rename` and `users delete`, which resolve the clash. On a database left pending,
    /// ``user(named:)`` and ``createUser(username:passwordHash:roles:)`` do not work; the next ordinary connect
    /// applies the step.
    public static func connectForRepair(
        url: String,
        clock: JWTClock = .system,
        timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "jwt-auth.postgres")
    ) async throws -> PostgresStore {
        let configuration = try PostgresURL(url).clientConfiguration(statementTimeout: timeout)
        let store = PostgresStore(running: configuration, clock: clock, timeout: timeout, logger: logger, replacePoolAfter: .seconds(10))
        do {
            let deadline = timeout * 6
            try await store.perform("migrate", timeout: deadline) { [client = store.client] in
                try await PostgresMigrations.migrate(client, logger: logger, timeout: deadline, leavingClashingUsernamesPending: true)
            }
        } catch {
            await store.close()
            throw error
        }
        return store
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

extension PostgresStore: InstallationSecretStore {
    /// One transaction: the insert of a new name (which waits for a concurrent one), then the row locked, read
    /// and replaced, so that of concurrent exchanges each sees the value the one before it wrote.
    public func exchangeInstallationValue(named name: String, with value: [UInt8]) async throws -> [UInt8]? {
        try await perform("exchange installation value") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                let inserted = try await connection.query(
                    "INSERT INTO jwt_auth_installation_secrets (name, secret) VALUES (\(name), \(ByteBuffer(bytes: value))) ON CONFLICT (name) DO NOTHING RETURNING name",
                    logger: logger
                )
                for try await _ in inserted.decode(String.self) { return nil }
                var previous: [UInt8]?
                let rows = try await connection.query(
                    "SELECT secret FROM jwt_auth_installation_secrets WHERE name = \(name) FOR UPDATE",
                    logger: logger
                )
                for try await old in rows.decode(ByteBuffer.self) { previous = Array(old.readableBytesView) }
                try await connection.query(
                    "UPDATE jwt_auth_installation_secrets SET secret = \(ByteBuffer(bytes: value)) WHERE name = \(name)",
                    logger: logger
                )
                return previous
            }
        }
    }

    /// One statement makes it (`INSERT … ON CONFLICT DO NOTHING`), another reads it back, so that of
    /// concurrent first calls, on any instance, one secret is kept.
    public func installationSecret(named name: String) async throws -> [UInt8] {
        let candidate = Self.randomSecret()
        let secret = try await perform("installation secret") { [client] () -> [UInt8]? in
            try await client.runStatement(
                "INSERT INTO jwt_auth_installation_secrets (name, secret) VALUES (\(name), \(ByteBuffer(bytes: candidate))) ON CONFLICT (name) DO NOTHING"
            )
            var secret: [UInt8]?
            let rows = try await client.query("SELECT secret FROM jwt_auth_installation_secrets WHERE name = \(name)")
            for try await value in rows.decode(ByteBuffer.self) { secret = Array(value.readableBytesView) }
            return secret
        }
        guard let secret, secret.count == 32 else {
            throw PostgresStoreError(description: "The installation secret \(name) is missing or not 32 bytes")
        }
        return secret
    }
}
