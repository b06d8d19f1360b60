public import JWTAuth
import SQLiteNIO

extension SQLiteStore: SessionStore {
    public func openSession(_ sessionID: String, subject: String, until: Double) async throws {
        try await write { db in
            _ = try await db.query(
                """
                INSERT INTO sessions (sid, subject, expires_at) VALUES (?1, ?2, ?3)
                ON CONFLICT (sid) DO UPDATE SET subject = excluded.subject, expires_at = excluded.expires_at
                """,
                [.text(sessionID), .text(subject), .float(until)]
            )
        }
    }

    public func extendSession(_ sessionID: String, until: Double) async throws {
        try await write { db in
            _ = try await db.query(
                "UPDATE sessions SET expires_at = max(expires_at, ?2) WHERE sid = ?1",
                [.text(sessionID), .float(until)]
            )
        }
    }

    public func openSessions(of subject: String) async throws -> [String: Double] {
        let now = clock.now
        let rows = try await read { db in
            try await db.query(
                "SELECT sid, expires_at FROM sessions WHERE subject = ?1 AND expires_at > ?2",
                [.text(subject), .float(now)]
            )
        }
        var sessions: [String: Double] = [:]
        for row in rows { sessions[try row.text("sid")] = try row.real("expires_at") }
        return sessions
    }

    public func closeSession(_ sessionID: String) async throws {
        try await write { db in
            _ = try await db.query("DELETE FROM sessions WHERE sid = ?1", [.text(sessionID)])
        }
    }
}
