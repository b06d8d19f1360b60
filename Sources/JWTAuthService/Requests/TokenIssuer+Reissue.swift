package import JWTAuth

extension TokenIssuer {
    /// A new, non-fresh access token in the session of `claims` (implicit refresh), keeping their additional
    /// claims but the reserved ones and `iss`/`aud`, which the issuer writes.
    package func reissueAccessToken(from claims: JWTClaims) throws(JWTAuthError) -> IssuedToken {
        let kept = claims.members.filter { !Self.reservedClaims.contains($0.key) && $0.key != "iss" && $0.key != "aud" }
        return try accessToken(for: claims.subject ?? "", fresh: .notFresh, sessionID: claims.sessionID, csrf: claims.csrf, claims: kept)
    }

    /// Whether an access token expiring at `expiresAt` is within `threshold` of expiry: implicit refresh re-issues it.
    package func isNearExpiry(_ expiresAt: Double?, threshold: Duration, now: Double) -> Bool {
        guard let expiresAt else { return false }
        return expiresAt - now < Double(threshold.components.seconds)
    }
}

extension JWTAuthError {
    /// The user a verified token speaks for, through `lookup`: `user_not_found` when it finds none, and
    /// `unavailable` when it fails with anything but a `JWTAuthError` (the store is down).
    package static func loadingUser<User>(
        _ subject: String,
        _ lookup: () async throws -> User?
    ) async throws(JWTAuthError) -> User {
        let user: User?
        do {
            user = try await lookup()
        } catch let error as JWTAuthError {
            throw error
        } catch {
            throw .unavailable("The user store is unavailable")
        }
        guard let user else { throw .userNotFound(subject) }
        return user
    }
}
