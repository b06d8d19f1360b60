/// A ``RevocationStore`` that answers ``RevocationStore/isRevoked(_:)`` without suspending (an index in memory), so
/// that an adapter can check a request's token without leaving its event loop.
package protocol SynchronousRevocationStore: RevocationStore {
    /// What ``RevocationStore/isRevoked(_:)`` answers for `query`, now.
    func isRevokedSynchronously(_ query: RevocationQuery) throws -> Bool
}

extension TokenVerifier {
    /// Whether ``checkRevocation(_:)`` of a token of `type` is answered without suspending: no revocation store or a
    /// ``SynchronousRevocationStore``, and no session store to consult (only refresh tokens are checked there).
    package func checksRevocationSynchronously(type: TokenType) -> Bool {
        guard revocationStore == nil || synchronousRevocationStore != nil else { return false }
        return sessionStore == nil || type == .access
    }

    /// ``checkRevocation(_:)`` without suspending; false, having checked nothing, when it cannot be answered so
    /// (then call ``checkRevocation(_:)``).
    /// - Throws: what ``checkRevocation(_:)`` throws.
    package func checkRevocationSynchronously(_ verified: VerifiedToken) throws(JWTAuthError) -> Bool {
        let needsSession = sessionStore != nil && verified.claims.tokenType == .refresh && verified.claims.sessionID != nil
        guard !needsSession else { return false }
        guard let revocationStore else { return true }
        guard let store = synchronousRevocationStore else { return false }
        guard let query = RevocationQuery(verified.claims) else { throw .invalidToken("Token is missing the \"jti\" claim") }
        let revoked: Bool
        do {
            revoked = try store.isRevokedSynchronously(query)
        } catch {
            throw .unavailable("The revocation store is unavailable")
        }
        if revoked { throw .tokenRevoked }
        return true
    }
}
