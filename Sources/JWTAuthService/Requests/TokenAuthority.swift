package import HTTPTypes
package import JWTAuth

/// A request as an adapter reads it to check its token: a ``TokenCarrier`` that also knows its method and
/// where its CSRF value is.
package protocol AuthenticatingRequest: TokenCarrier {
    var method: HTTPRequest.Method { get }
    /// The CSRF value the client sent: the `header` field, or the `formField` of a form-encoded body.
    mutating func csrfValue(header: HTTPField.Name, formField: String) async throws(JWTAuthError) -> String?
}

/// A token that passed every check of a requirement, before its user is loaded.
package struct CheckedToken: Sendable {
    /// The verified token; after an implicit refresh from the refresh cookie, the new access token's claims.
    package var token: VerifiedToken
    package var rawToken: String
    package var location: TokenLocation
    /// A new access token issued by implicit refresh, to be set as cookies on the response.
    package var reissued: IssuedToken?
}

/// What an adapter's manager knows to check tokens: its keys, issuer, cookies and implicit refresh. The order
/// of the checks (``checkToken(_:requirement:locations:)``) is the same for every adapter.
package protocol TokenAuthority: Sendable {
    var verifier: TokenVerifier { get }
    var issuer: TokenIssuer? { get }
    var cookies: JWTCookieConfiguration { get }
    var implicitRefresh: Duration? { get }
    /// Keys that change while the application runs; nil: ``verifier``'s own.
    var keySource: (any JWTKeySource)? { get }
    var tokenNames: TokenNames { get }
    /// The verifier for `token` (the one of a key source's current keys).
    func verifier(for token: String) async throws(JWTAuthError) -> TokenVerifier
    /// The verifier rebuilt from ``keySource``'s snapshots, shared by the copies of a manager.
    var sourcedVerifier: SourcedVerifier { get }
    /// The issuer to sign with now.
    func issuer(basedOn base: TokenIssuer) async throws(JWTAuthError) -> TokenIssuer
    /// Consults the revocation store.
    func checkRevocation(_ verified: VerifiedToken) async throws(JWTAuthError)
    /// ``checkRevocation(_:)`` without suspending; false, having checked nothing, when it cannot be answered so.
    func checkRevocationSynchronously(_ verified: VerifiedToken) throws(JWTAuthError) -> Bool
}

extension TokenAuthority {
    /// The verifier's own synchronous check: for an authority whose ``checkRevocation(_:)`` adds nothing to the
    /// verifier's.
    package func checkRevocationSynchronously(_ verified: VerifiedToken) throws(JWTAuthError) -> Bool {
        try verifier.checkRevocationSynchronously(verified)
    }

    /// `token` decoded by ``verifier(for:)``'s verifier, without the revocation check: a nested token is decrypted
    /// once.
    package func decode(_ token: String, as type: TokenType?, requireFresh: Bool) async throws(JWTAuthError) -> VerifiedToken {
        try await sourcedVerifier.decode(token, source: keySource, base: verifier, as: type, requireFresh: requireFresh)
    }

    /// `service`, signing with this manager's key source when it is a rotating `JWTSigningKeySource`, so that the
    /// auth routes' tokens carry the key the manager verifies with.
    package func signing(_ service: AuthService) -> AuthService {
        guard keySource is any JWTSigningKeySource else { return service }
        var service = service
        service.signer = { [self, issuer = service.issuer] in try await self.issuer(basedOn: issuer) }
        return service
    }

    /// Checks `request`'s token against `requirement` in `locations`: the token found first, its signature,
    /// claims and type, the CSRF double submit for cookies, revocation, then implicit refresh. Nil for an
    /// optional requirement and no token.
    /// - Throws: the `JWTAuthError` of the first failed check.
    package func checkToken<Request: AuthenticatingRequest>(
        _ request: inout Request,
        requirement: JWTRequirement,
        locations: [TokenLocation]
    ) async throws(JWTAuthError) -> CheckedToken? {
        let type: TokenType = requirement.requiresRefresh ? .refresh : .access
        let (found, missing) = try await request.findToken(refresh: requirement.requiresRefresh, locations: locations, names: tokenNames)
        guard let found else {
            if let refreshed = try await refreshFromCookie(&request, requirement: requirement, locations: locations) { return refreshed }
            if requirement.isOptional { return nil }
            throw .missingToken(FoundToken.missingMessage(missing, locations: locations))
        }
        let verified: VerifiedToken
        do {
            verified = try await decode(found.token, as: type, requireFresh: requirement.requiresFresh)
        } catch  where error.code == .tokenExpired && found.location == .cookies {
            if let refreshed = try await refreshFromCookie(&request, requirement: requirement, locations: locations) { return refreshed }
            throw error
        }
        if found.location == .cookies { try await checkCSRF(&request, claims: verified.claims) }
        try await checkRevocation(verified)
        var reissued: IssuedToken? = nil
        if found.location == .cookies, type == .access, let threshold = implicitRefresh, let issuer,
            issuer.isNearExpiry(verified.claims.expiresAt, threshold: threshold, now: verifier.clock.now)
        {
            reissued = try await reissue(from: verified.claims, issuer: issuer)
        }
        return CheckedToken(token: verified, rawToken: found.token, location: found.location, reissued: reissued)
    }

    /// A new access token in the session of `claims` (implicit refresh), noted in the verifier's session store, if
    /// any, so that ending the session revokes it for as long as it lives.
    /// - Throws: `token_revoked` when the session ended meanwhile; `unavailable` when the session store fails.
    private func reissue(from claims: JWTClaims, issuer: TokenIssuer) async throws(JWTAuthError) -> IssuedToken {
        let access = try await self.issuer(basedOn: issuer).reissueAccessToken(from: claims)
        guard let sessions = verifier.sessionStore, let sid = access.sessionID else { return access }
        let isLive: Bool
        do {
            isLive = try await sessions.recordAccessToken(sessionID: sid, until: access.expiresAt)
        } catch {
            throw .unavailable("The session store is unavailable")
        }
        guard isLive else { throw .tokenRevoked }
        return access
    }

    /// The CSRF double submit for cookie-borne tokens on state-changing methods.
    package func checkCSRF<Request: AuthenticatingRequest>(_ request: inout Request, claims: JWTClaims) async throws(JWTAuthError) {
        guard cookies.requiresCSRF(request.method) else { return }
        let presented = try await request.csrfValue(header: cookies.csrfHeaderName, formField: cookies.csrfFormField)
        try JWTCookieConfiguration.checkCSRF(presented: presented, claims: claims)
    }

    /// Implicit refresh of a cookie session whose access cookie is missing or expired: a good refresh
    /// cookie (not revoked, CSRF checked) gets a new, non-fresh access token.
    private func refreshFromCookie<Request: AuthenticatingRequest>(
        _ request: inout Request,
        requirement: JWTRequirement,
        locations: [TokenLocation]
    ) async throws(JWTAuthError) -> CheckedToken? {
        guard implicitRefresh != nil, let issuer, locations.contains(.cookies), !requirement.requiresRefresh, !requirement.requiresFresh,
            let token = request.cookie(cookies.refreshCookieName), !token.isEmpty
        else { return nil }
        guard let verified = try? await decode(token, as: .refresh, requireFresh: false) else { return nil }
        try await checkCSRF(&request, claims: verified.claims)
        try await checkRevocation(verified)
        let access = try await reissue(from: verified.claims, issuer: issuer)
        return CheckedToken(
            token: VerifiedToken(header: verified.header, claims: access.claims),
            rawToken: access.token,
            location: .cookies,
            reissued: access
        )
    }
}
