import SQLiteNIO

/// The schema, as numbered steps. `PRAGMA user_version` records how many have been applied.
///
/// A released step is never edited: a change to the schema is a new step at the end.
enum SQLiteMigrations {
    /// Each step's statements, one statement per string.
    static let steps: [[String]] = [
        [
            """
            CREATE TABLE users (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                username TEXT NOT NULL UNIQUE,
                password_hash TEXT NOT NULL,
                roles TEXT NOT NULL DEFAULT '[]',
                disabled INTEGER NOT NULL DEFAULT 0,
                created_at REAL NOT NULL
            ) STRICT
            """,
            "CREATE TABLE revoked_tokens (jti TEXT PRIMARY KEY, expires_at REAL NOT NULL) STRICT, WITHOUT ROWID",
            "CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at)",
            "CREATE TABLE revoked_sessions (sid TEXT PRIMARY KEY, expires_at REAL NOT NULL) STRICT, WITHOUT ROWID",
            "CREATE INDEX revoked_sessions_expiry ON revoked_sessions (expires_at)",
            "CREATE TABLE spent_refresh_tokens (jti TEXT PRIMARY KEY, expires_at REAL NOT NULL) STRICT, WITHOUT ROWID",
            "CREATE INDEX spent_refresh_tokens_expiry ON spent_refresh_tokens (expires_at)",
            "CREATE TABLE user_cutoffs (subject TEXT PRIMARY KEY, cutoff REAL NOT NULL) STRICT, WITHOUT ROWID",
            "CREATE TABLE sessions (sid TEXT PRIMARY KEY, subject TEXT NOT NULL, expires_at REAL NOT NULL) STRICT, WITHOUT ROWID",
            "CREATE INDEX sessions_subject ON sessions (subject)",
            "CREATE INDEX sessions_expiry ON sessions (expires_at)",
        ]
    ]

    /// The schema version this code writes and reads.
    static var version: Int { steps.count }

    /// Sets the connection's pragmas: WAL, `synchronous`, `busy_timeout` and `foreign_keys`.
    static func configure(_ db: SQLiteConnection, synchronous: SQLiteStore.Synchronous, busyTimeout: Duration) async throws {
        let milliseconds = max(0, busyTimeout.components.seconds * 1000 + busyTimeout.components.attoseconds / 1_000_000_000_000_000)
        // busy_timeout first: it replaces sqlite-nio's busy handler, which retries forever without sleeping.
        _ = try await db.query("PRAGMA busy_timeout = \(milliseconds)")
        let mode = try await db.query("PRAGMA journal_mode = WAL").first?.column("journal_mode")?.string
        guard mode?.lowercased() == "wal" else {
            throw SQLiteStoreError(description: "The SQLite database cannot use WAL mode (journal_mode is \(mode ?? "unknown"))")
        }
        _ = try await db.query("PRAGMA synchronous = \(synchronous.pragma)")
        _ = try await db.query("PRAGMA foreign_keys = ON")
    }

    /// Applies the steps the file lacks, all in one transaction. Throws when the file is newer than this code.
    static func migrate(_ db: SQLiteConnection) async throws {
        guard try await userVersion(db) < version else { return try await checkVersion(db) }
        _ = try await db.query("BEGIN IMMEDIATE")
        do {
            // Read again under the write lock: another process may have migrated meanwhile.
            let current = try await userVersion(db)
            if current < version {
                for step in steps[current...] {
                    for statement in step { _ = try await db.query(statement) }
                }
                _ = try await db.query("PRAGMA user_version = \(version)")
            }
            _ = try await db.query("COMMIT")
        } catch {
            _ = try? await db.query("ROLLBACK")
            throw error
        }
    }

    private static func checkVersion(_ db: SQLiteConnection) async throws {
        let current = try await userVersion(db)
        if current > version {
            throw SQLiteStoreError(description: "The SQLite database has schema version \(current); this build knows up to \(version)")
        }
    }

    static func userVersion(_ db: SQLiteConnection) async throws -> Int {
        Int(try await db.query("PRAGMA user_version").first?.column("user_version")?.integer ?? 0)
    }
}
