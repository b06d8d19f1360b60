import JWTAuth
import Logging
import PostgresNIO

/// The service's signing keys in `jwt_auth_signing_keys`, so that every instance signs with the same current
/// key and verifies with the same set.
///
/// The table holds private keys (PEM): whoever can read the database can sign tokens. Restrict access to the
/// database accordingly (its own role, no shared read access, encrypted backups).
///
/// Every change bumps the single row of `jwt_auth_signing_keys_version`, in the same transaction, so that an
/// instance learns of a change with one cheap query (``signingKeysVersion()``) and reads the keys only then.
/// Every change runs under one advisory lock, so that concurrent changes (two instances starting on an empty
/// table, a rotation during a start) queue instead of failing on the one-current-key index.
extension PostgresStore {
    /// The key of the advisory lock taken by every transaction that changes the signing keys.
    static let signingKeysLockKey: Int64 = 0x6A77_7461_7574_6802

    static func lockSigningKeys(_ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("SELECT pg_advisory_xact_lock(\(signingKeysLockKey))", logger: logger)
    }

    /// Records that the signing keys changed, for every instance polling ``signingKeysVersion()``.
    private static func bumpSigningKeysVersion(_ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query("UPDATE jwt_auth_signing_keys_version SET version = version + 1", logger: logger)
    }

    /// Adds a key, not current, unless one with its `kid` is stored.
    private static func insertSigningKey(keyID: String, pem: String, now: Double, _ connection: PostgresConnection, _ logger: Logger) async throws {
        try await connection.query(
            """
            INSERT INTO jwt_auth_signing_keys (kid, pem, created_at) VALUES (\(keyID), \(pem), \(now))
            ON CONFLICT (kid) DO NOTHING
            """,
            logger: logger
        )
    }

    /// The rows of a `SELECT kid, pem, is_current, retire_at FROM jwt_auth_signing_keys …`.
    private static func decodeSigningKeys(_ rows: PostgresRowSequence) async throws -> [StoredSigningKey] {
        var keys: [StoredSigningKey] = []
        for try await (keyID, pem, isCurrent, retireAt) in rows.decode((String, String, Bool, Double?).self) {
            keys.append(StoredSigningKey(keyID: keyID, pem: pem, isCurrent: isCurrent, retireAt: retireAt))
        }
        return keys
    }

    /// The current key when `keep` accepts it; otherwise a key from `make` (its `kid` and PEM), added and made
    /// current. One transaction under the keys' lock: of instances starting at once on an empty table, the
    /// first generates the key and the others find and keep it, so there is exactly one.
    public func ensureCurrentSigningKey(
        keep: @escaping @Sendable (StoredSigningKey) -> Bool,
        make: @escaping @Sendable () throws -> (keyID: String, pem: String)
    ) async throws -> StoredSigningKey {
        let now = clock.now
        return try await perform("ensure current signing key") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.lockSigningKeys(connection, logger)
                let rows = try await connection.query(
                    "SELECT kid, pem, is_current, retire_at FROM jwt_auth_signing_keys WHERE is_current",
                    logger: logger
                )
                if let found = try await Self.decodeSigningKeys(rows).last, keep(found) { return found }
                let made = try make()
                try await Self.insertSigningKey(keyID: made.keyID, pem: made.pem, now: now, connection, logger)
                _ = try await Self.makeCurrent(made.keyID, connection, logger)
                try await Self.bumpSigningKeysVersion(connection, logger)
                return StoredSigningKey(keyID: made.keyID, pem: made.pem, isCurrent: true, retireAt: nil)
            }
        }
    }

    /// A number that changes with every change to the signing keys.
    public func signingKeysVersion() async throws -> Int64 {
        try await perform("signing keys version") { [client] in
            for try await version in try await client.query("SELECT version FROM jwt_auth_signing_keys_version").decode(Int64.self) {
                return version
            }
            return 0
        }
    }

    /// Every stored key, current or not, ordered by `kid`.
    public func signingKeys() async throws -> [StoredSigningKey] {
        try await perform("signing keys") { [client] in
            let rows = try await client.query("SELECT kid, pem, is_current, retire_at FROM jwt_auth_signing_keys ORDER BY kid")
            return try await Self.decodeSigningKeys(rows)
        }
    }

    /// Adds a key unless one with its `kid` is stored; with `makeCurrent`, makes it the current key (clearing its
    /// retirement time), in one transaction.
    public func addSigningKey(keyID: String, pem: String, makeCurrent: Bool) async throws {
        let now = clock.now
        try await perform("add signing key") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.lockSigningKeys(connection, logger)
                try await Self.insertSigningKey(keyID: keyID, pem: pem, now: now, connection, logger)
                if makeCurrent { _ = try await Self.makeCurrent(keyID, connection, logger) }
                try await Self.bumpSigningKeysVersion(connection, logger)
            }
        }
    }

    /// Makes the stored key `keyID` current (clearing its retirement time); false when there is no such key.
    public func makeSigningKeyCurrent(_ keyID: String) async throws -> Bool {
        try await perform("make signing key current") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.lockSigningKeys(connection, logger)
                guard try await Self.makeCurrent(keyID, connection, logger) else { return false }
                try await Self.bumpSigningKeysVersion(connection, logger)
                return true
            }
        }
    }

    private static func makeCurrent(_ keyID: String, _ connection: PostgresConnection, _ logger: Logger) async throws -> Bool {
        var exists = false
        for try await _ in try await connection.query("SELECT kid FROM jwt_auth_signing_keys WHERE kid = \(keyID) FOR UPDATE", logger: logger) {
            exists = true
        }
        guard exists else { return false }
        try await connection.query("UPDATE jwt_auth_signing_keys SET is_current = false WHERE is_current AND kid <> \(keyID)", logger: logger)
        try await connection.query("UPDATE jwt_auth_signing_keys SET is_current = true, retire_at = NULL WHERE kid = \(keyID)", logger: logger)
        return true
    }

    /// Gives every key that is not current and has no retirement time the time `time`.
    public func stampSigningKeyRetirements(at time: Double) async throws {
        try await perform("stamp signing keys") { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.lockSigningKeys(connection, logger)
                var stamped = false
                let rows = try await connection.query(
                    "UPDATE jwt_auth_signing_keys SET retire_at = \(time) WHERE NOT is_current AND retire_at IS NULL RETURNING kid",
                    logger: logger
                )
                for try await _ in rows { stamped = true }
                if stamped {
                    try await Self.bumpSigningKeysVersion(connection, logger)
                }
            }
        }
    }

    /// Deletes the key `keyID` unless it is current; whether a key was deleted.
    public func deleteSigningKey(_ keyID: String) async throws -> Bool {
        try await deleteSigningKeys("delete signing key") { connection, logger in
            try await connection.query(
                "DELETE FROM jwt_auth_signing_keys WHERE kid = \(keyID) AND NOT is_current RETURNING kid",
                logger: logger
            )
        }
    }

    /// Deletes the keys that are not current and whose retirement time is at or before `now`; whether any was.
    @discardableResult
    public func deleteRetiredSigningKeys(now: Double) async throws -> Bool {
        try await deleteSigningKeys("delete retired signing keys") { connection, logger in
            try await connection.query(
                "DELETE FROM jwt_auth_signing_keys WHERE NOT is_current AND retire_at <= \(now) RETURNING kid",
                logger: logger
            )
        }
    }

    private func deleteSigningKeys(
        _ operation: String,
        _ statement: @escaping @Sendable (PostgresConnection, Logger) async throws -> PostgresRowSequence
    ) async throws -> Bool {
        try await perform(operation) { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in
                try await Self.lockSigningKeys(connection, logger)
                var deleted = false
                for try await _ in try await statement(connection, logger) { deleted = true }
                if deleted {
                    try await Self.bumpSigningKeysVersion(connection, logger)
                }
                return deleted
            }
        }
    }
}
