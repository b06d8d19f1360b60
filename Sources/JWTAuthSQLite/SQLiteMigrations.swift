import JWTAuth
import SQLiteNIO

/// The schema, as numbered steps. `PRAGMA user_version` records how many have been applied.
///
/// A released step is never edited: a change to the schema is a new step at the end.
enum SQLiteMigrations {
    /// A step: statements, one per string, or Swift code for what SQL cannot compute.
    enum Step: Sendable {
        case statements([String])
        case code(@Sendable (SQLiteConnection) async throws -> Void)
    }

    /// Each step, in order.
    static let steps: [Step] = [
        .statements([
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
        ]),
        // 2: usernames compared by their RFC 8265 key (UsernameCaseMapped), and the installation's secrets.
        .code(addUsernameKeys),
        // 3: sessions that know their current refresh token and stay, marked ended, while their revocation matters.
        .code(endedSessions),
    ]

    /// The step that adds `users.username_key` (schema 2): the number of steps before it.
    static let usernameKeyStep = 1

    /// When set (``SQLiteStore/openForRepair(path:clock:logger:)``), a username-key step that finds
    /// clashing names is left pending instead of refusing the open, so the operator can rename or delete.
    @TaskLocal static var leavesClashingUsernamesPending = false

    /// The schema version this code writes and reads.
    static var version: Int { steps.count }

    /// Sets the connection's pragmas: WAL, `synchronous`, `busy_timeout` and `foreign_keys`.
    static func configure(_ db: SQLiteConnection, synchronous: SQLiteStore.Synchronous, busyTimeout: Duration) async throws {
        let milliseconds = max(0, busyTimeout.milliseconds)
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
            var applied = current
            steps: for step in steps[current...] {
                switch step {
                case .statements(let statements):
                    for statement in statements { _ = try await db.query(statement) }
                case .code(let body):
                    do {
                        try await body(db)
                    } catch is UsernameClash where leavesClashingUsernamesPending {
                        // Nothing of the step was applied: it checks before it changes. The sessions step after it
                        // is applied now, for the repair's own writes, and again (it is idempotent) once this is done.
                        try await endedSessions(db)
                        break steps
                    }
                }
                applied += 1
            }
            if applied > current { _ = try await db.query("PRAGMA user_version = \(applied)") }
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

    /// Step 2: `users.username_key`, RFC 8265's UsernameCaseMapped form of each name (computed here, in
    /// Swift), unique; and the table of installation secrets. Refuses with ``UsernameClash``, changing
    /// nothing, when two existing names have one key: merging their accounts is the operator's decision.
    @Sendable static func addUsernameKeys(_ db: SQLiteConnection) async throws {
        let users = try await db.query("SELECT id, username FROM users ORDER BY id").map { row in
            (id: try row.integer("id"), username: try row.text("username"))
        }
        if let clash = UsernameClash(users: users.map { (String($0.id), $0.username) }) { throw clash }
        _ = try await db.query("ALTER TABLE users ADD COLUMN username_key TEXT")
        for user in users {
            _ = try await db.query("UPDATE users SET username_key = ?1 WHERE id = ?2", [.text(Username.key(user.username)), .integer(Int(user.id))])
        }
        _ = try await db.query("CREATE UNIQUE INDEX users_username_key ON users (username_key)")
        _ = try await db.query("CREATE TABLE installation_secrets (name TEXT PRIMARY KEY, secret BLOB NOT NULL) STRICT, WITHOUT ROWID")
    }

    /// Step 3: a session row knows its current refresh token and its access tokens' latest `exp`, and an ended
    /// session stays, marked, while its revocation can matter. It replaces `revoked_sessions` (each revoked `sid`
    /// becomes an ended row, kept as long as before) and the spent refresh tokens, which stay only to be read at
    /// the first refresh of a session recorded before (whose current refresh token is unknown) and are no longer
    /// written. A session recorded before counts its access tokens as lasting as long as it does. Idempotent.
    @Sendable static func endedSessions(_ db: SQLiteConnection) async throws {
        let columns = try await db.query("PRAGMA table_info(sessions)").compactMap { $0.column("name")?.string }
        if !columns.contains("ended") {
            _ = try await db.query("ALTER TABLE sessions ADD COLUMN refresh_jti TEXT")
            _ = try await db.query("ALTER TABLE sessions ADD COLUMN access_until REAL NOT NULL DEFAULT 0")
            _ = try await db.query("ALTER TABLE sessions ADD COLUMN ended INTEGER NOT NULL DEFAULT 0")
            _ = try await db.query("UPDATE sessions SET access_until = expires_at")
        }
        let revokedSessions = try await db.query("SELECT 1 AS found FROM sqlite_master WHERE type = 'table' AND name = 'revoked_sessions'")
        if !revokedSessions.isEmpty {
            _ = try await db.query(
                """
                INSERT INTO sessions (sid, subject, expires_at, refresh_jti, access_until, ended)
                SELECT sid, '', expires_at, NULL, expires_at, 1 FROM revoked_sessions WHERE true
                ON CONFLICT (sid) DO UPDATE SET ended = 1, expires_at = max(sessions.expires_at, excluded.expires_at)
                """
            )
            _ = try await db.query("DROP TABLE revoked_sessions")
        }
        _ = try await db.query("CREATE INDEX IF NOT EXISTS sessions_ended ON sessions (expires_at) WHERE ended = 1")
    }
}
