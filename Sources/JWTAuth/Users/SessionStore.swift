/// Remembers each login's session (`sid`) and whose it is, so that `logout-all` and a password change
/// can revoke every open session of a user.
public protocol SessionStore: Sendable {
    /// Records a session of `subject` whose tokens live until `until` (the refresh token's `exp`).
    func openSession(_ sessionID: String, subject: String, until: Double) async throws
    /// Extends a session after a refresh.
    func extendSession(_ sessionID: String, until: Double) async throws
    /// The sessions of `subject` still open (not past `until`), with their end times.
    func openSessions(of subject: String) async throws -> [String: Double]
    /// Forgets a session (after it was revoked).
    func closeSession(_ sessionID: String) async throws
}
