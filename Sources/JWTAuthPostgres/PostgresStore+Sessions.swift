public import JWTAuth
import PostgresNIO

extension PostgresStore: SessionStore {
    public func openSession(_ sessionID: String, subject: String, until: Double) async throws {
        try await perform("open session") { [client] in
            try await client.runStatement(
                """
                INSERT INTO jwt_auth_sessions (sid, subject, expires_at) VALUES (\(sessionID), \(subject), \(until))
                ON CONFLICT (sid) DO UPDATE SET subject = EXCLUDED.subject, expires_at = EXCLUDED.expires_at
                """
            )
        }
    }

    public func extendSession(_ sessionID: String, until: Double) async throws {
        try await perform("extend session") { [client] in
            try await client.runStatement("UPDATE jwt_auth_sessions SET expires_at = GREATEST(expires_at, \(until)) WHERE sid = \(sessionID)")
        }
    }

    public func openSessions(of subject: String) async throws -> [String: Double] {
        let now = clock.now
        return try await perform("list sessions") { [client] in
            let rows = try await client.query("SELECT sid, expires_at FROM jwt_auth_sessions WHERE subject = \(subject) AND expires_at > \(now)")
            var sessions: [String: Double] = [:]
            for try await (sid, expiresAt) in rows.decode((String, Double).self) { sessions[sid] = expiresAt }
            return sessions
        }
    }

    public func closeSession(_ sessionID: String) async throws {
        try await perform("close session") { [client] in
            try await client.runStatement("DELETE FROM jwt_auth_sessions WHERE sid = \(sessionID)")
        }
    }
}
