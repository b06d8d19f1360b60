public import JWTAuth
import Logging
import Tracing

extension AuthService {
    /// Checks the credentials (``checkCredentials(username:password:clientAddress:)``) and starts a
    /// session: a fresh access token and a refresh token. Traced as a span `login` (bcrypt and the store
    /// calls are its children).
    public func login(username: String, password: String, clientAddress: String) async throws -> TokenPair {
        try await ServiceSpan.run("login") { span in
            let user = try await checkCredentials(username: username, password: password, clientAddress: clientAddress)
            span.attributes["user.id"] = user.id
            return try await startSession(for: user)
        }
    }

    /// Checks the credentials and gives a fresh access token only, in a session of its own. Traced as a span
    /// `fresh_login`.
    public func freshLogin(username: String, password: String, clientAddress: String) async throws -> IssuedToken {
        try await ServiceSpan.run("fresh_login") { span in
            var user = try await checkCredentials(username: username, password: password, clientAddress: clientAddress)
            span.attributes["user.id"] = user.id
            for _ in 1...2 {
                let claims = try await claims(for: user)
                let access = try await signer().accessToken(for: user.id, fresh: .fresh, claims: claims)
                try await sessions.openSession(
                    SessionRecord(
                        id: access.sessionID ?? "",
                        subject: user.id,
                        refreshTokenID: nil,
                        accessTokensUntil: access.expiresAt,
                        expiresAt: access.expiresAt
                    )
                )
                guard let changed = try await refuseIfChangedMeanwhile(user, session: access.claims) else { return access }
                user = changed
            }
            throw JWTAuthError.unavailable("The account changed during login, try again")
        }
    }

    /// A fresh token pair for `user` in a new session, recorded in the session store.
    public func startSession(for user: UserRecord) async throws -> TokenPair {
        var user = user
        for _ in 1...2 {
            let claims = try await claims(for: user)
            let pair = try await signer().tokenPair(for: user.id, fresh: .fresh, claims: claims)
            try await sessions.openSession(
                SessionRecord(
                    id: pair.refresh.sessionID ?? "",
                    subject: user.id,
                    refreshTokenID: pair.refresh.claims.id,
                    accessTokensUntil: pair.access.expiresAt,
                    expiresAt: pair.refresh.expiresAt
                )
            )
            guard let changed = try await refuseIfChangedMeanwhile(user, session: pair.refresh.claims) else { return pair }
            user = changed
        }
        throw JWTAuthError.unavailable("The account changed during login, try again")
    }

    /// Ends a session just opened for `user` when the account changed since its credentials were checked: disabled
    /// or given a new password (refused), or a role withdrawn (nil otherwise; else the user as stored now, whose
    /// session the caller starts instead, once). The session is recorded first and the user read second: a change
    /// that came before this read is seen here, and one that comes after it finds the session open and ends it.
    /// Either way no token outlives the change.
    private func refuseIfChangedMeanwhile(_ user: UserRecord, session claims: JWTClaims) async throws -> UserRecord? {
        guard let current = try await users.user(id: user.id), !current.isDisabled else {
            try await userSessions.end(claims)
            throw JWTAuthError.forbidden("The account is disabled")
        }
        // A new password ends every session: one whose credentials were checked against the old one must not start.
        guard current.passwordHash == user.passwordHash else {
            try await userSessions.end(claims)
            throw JWTAuthError.invalidCredentials
        }
        guard user.roles.allSatisfy(current.roles.contains) else {
            try await userSessions.end(claims)
            logger.info("A role was withdrawn during login: the session started with it is ended", metadata: ["jwt.sid": "\(claims.sessionID ?? "")"])
            return current
        }
        return nil
    }

    /// Rotates the verified refresh token with `presented` claims: a new pair in the same session (the access token
    /// not fresh), with the claims of the user as stored now, and the session store's current refresh token
    /// replaced by the new one. A refresh token that is not the session's current one means someone holds a copy
    /// of a spent one: the whole session ends. Traced as a span `refresh`.
    ///
    /// The user is read and their claims loaded before the rotation: a failure there (a store, the claims loader)
    /// leaves the refresh token usable for a retry.
    /// - Throws: `invalid_token` (no `jti`, `sid` or `sub`), `token_revoked` (reuse, or the session ended),
    ///   `user_not_found`, `forbidden` (disabled), what ``additionalClaims`` throws, or a store's error.
    public func refresh(presented: JWTClaims) async throws -> TokenPair {
        try await ServiceSpan.run("refresh") { span in
            span.attributes["user.id"] = presented.subject
            return try await rotate(presented)
        }
    }

    private func rotate(_ presented: JWTClaims) async throws -> TokenPair {
        guard let jti = presented.id, let sid = presented.sessionID, let subject = presented.subject else {
            throw JWTAuthError.invalidToken("The refresh token lacks jti, sid or sub")
        }
        let user = try await currentUser(subject)
        guard !user.isDisabled else { throw JWTAuthError.forbidden("The account is disabled") }
        let claims = try await claims(for: user)
        let signer = try await signer()
        let access = try signer.accessToken(for: user.id, fresh: .notFresh, sessionID: sid, csrf: presented.csrf, claims: claims)
        let refresh = try signer.refreshToken(for: user.id, sessionID: sid, csrf: presented.csrf, claims: claims)
        let rotation = try await sessions.rotateRefreshToken(
            RefreshTokenReplacement(
                sessionID: sid,
                presented: jti,
                next: refresh.claims.id ?? "",
                accessTokensUntil: access.expiresAt,
                until: refresh.expiresAt
            )
        )
        switch rotation {
        case .rotated:
            return TokenPair(access: access, refresh: refresh)
        case .reused:
            try await userSessions.end(sessionID: sid)
            logger.notice("Refresh token reuse: session revoked", metadata: ["jwt.sid": "\(sid)"])
            throw JWTAuthError.tokenRevoked
        case .ended:
            throw JWTAuthError.tokenRevoked
        }
    }

    /// Ends the session of the access token with `access` claims (every token of it is revoked) and, when
    /// `refreshToken` is a valid refresh token of the same user, that token's session too.
    public func logout(access: JWTClaims, refreshToken: String? = nil) async throws {
        try await userSessions.end(access)
        if let refreshToken, let refresh = try? verifier.decode(refreshToken, as: .refresh), refresh.subject == access.subject {
            try await userSessions.end(refresh.claims)
        }
    }

    /// Ends every session of `subject` (`logout-all`): tokens issued before now are rejected.
    public func logoutEverywhere(_ subject: String, current: String?) async throws {
        try await userSessions.endAll(of: subject, current: current)
    }
}
