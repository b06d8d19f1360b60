public import Hummingbird
public import JWTAuth
import Logging
import Metrics

/// The outcome of checking a request's token.
public struct JWTAuthentication: Sendable {
    /// The verified identity.
    public var identity: JWTIdentity
    /// A new access token issued by implicit refresh, to be set as cookies on the response.
    public var reissuedAccessToken: IssuedToken?
}

extension JWTManager {
    /// Checks the request's token against `requirement`: `verify_jwt_in_request()`.
    ///
    /// Returns nil for an optional requirement and no token, and for every OPTIONS request: a CORS
    /// preflight carries no credentials, so OPTIONS never needs a token (Flask-JWT-Extended's exempt
    /// methods). The body is read (and kept on the request) only for the `.json` location and CSRF form fields.
    /// - Throws: the `JWTAuthError` of the first failed check.
    public func authenticate(
        _ request: inout Request,
        context: some RequestContext,
        requirement: JWTRequirement = .required
    ) async throws(JWTAuthError) -> JWTAuthentication? {
        try await authenticate(&request, context: context, requirement: requirement) { _ throws(JWTAuthError) in }
    }

    /// ``authenticate(_:context:requirement:)``, running `lookUp` on the verified identity before the check counts
    /// as a success (the typed user lookup of ``JWTUserMiddleware``).
    func authenticate(
        _ request: inout Request,
        context: some RequestContext,
        requirement: JWTRequirement,
        then lookUp: (JWTIdentity) async throws(JWTAuthError) -> Void
    ) async throws(JWTAuthError) -> JWTAuthentication? {
        guard request.method != .options else { return nil }
        do throws(JWTAuthError) {
            let result = try await check(&request, requirement: requirement)
            if let result {
                try await lookUp(result.identity)
                metrics.verified.increment()
            }
            return result
        } catch {
            metrics.reject(error.code)
            context.logger.debug("JWT refused", metadata: ["jwt.error": "\(error.code)"])
            throw error
        }
    }

    private func check(_ request: inout Request, requirement: JWTRequirement) async throws(JWTAuthError) -> JWTAuthentication? {
        let locations = requirement.locations ?? self.locations
        let type: TokenType = requirement.requiresRefresh ? .refresh : .access
        let (found, missing) = try await findToken(in: &request, refresh: requirement.requiresRefresh, locations: locations)
        guard let found else {
            if let refreshed = try await refreshFromCookie(&request, requirement: requirement, locations: locations) { return refreshed }
            if requirement.isOptional { return nil }
            throw .missingToken(Self.missingMessage(missing, locations: locations))
        }
        let verified: VerifiedToken
        do {
            verified = try await verifier(for: found.token).decode(found.token, as: type, requireFresh: requirement.requiresFresh)
        } catch  where error.code == .tokenExpired && found.location == .cookies {
            if let refreshed = try await refreshFromCookie(&request, requirement: requirement, locations: locations) { return refreshed }
            throw error
        }
        if found.location == .cookies { try await checkCSRF(&request, claims: verified.claims) }
        try await checkRevocation(verified)
        let identity = try await loadUser(JWTIdentity(token: verified, rawToken: found.token, location: found.location))
        var reissued: IssuedToken? = nil
        if found.location == .cookies, type == .access, let threshold = implicitRefresh, let issuer, let exp = verified.claims.expiresAt,
            exp - verifier.clock.now < Double(threshold.components.seconds)
        {
            reissued = try reissue(from: verified.claims, issuer: try await self.issuer(basedOn: issuer))
        }
        return JWTAuthentication(identity: identity, reissuedAccessToken: reissued)
    }

    /// Implicit refresh of a cookie session whose access cookie is missing or expired: a good refresh
    /// cookie (not revoked, CSRF checked) gets a new, non-fresh access token.
    private func refreshFromCookie(
        _ request: inout Request,
        requirement: JWTRequirement,
        locations: [TokenLocation]
    ) async throws(JWTAuthError) -> JWTAuthentication? {
        guard implicitRefresh != nil, let issuer, locations.contains(.cookies), !requirement.requiresRefresh, !requirement.requiresFresh,
            let token = request.cookies[cookies.refreshCookieName]?.value, !token.isEmpty
        else { return nil }
        guard let verified = try? await verifier(for: token).decode(token, as: .refresh) else { return nil }
        try await checkCSRF(&request, claims: verified.claims)
        try await checkRevocation(verified)
        let access = try reissue(from: verified.claims, issuer: try await self.issuer(basedOn: issuer))
        let identity = try await loadUser(
            JWTIdentity(token: VerifiedToken(header: verified.header, claims: access.claims), rawToken: access.token, location: .cookies)
        )
        return JWTAuthentication(identity: identity, reissuedAccessToken: access)
    }

    private func reissue(from claims: JWTClaims, issuer: TokenIssuer) throws(JWTAuthError) -> IssuedToken {
        let kept = claims.members.filter { !TokenIssuer.reservedClaims.contains($0.key) && $0.key != "iss" && $0.key != "aud" }
        return try issuer.accessToken(
            for: claims.subject ?? "",
            fresh: .notFresh,
            sessionID: claims.sessionID,
            csrf: claims.csrf,
            claims: kept
        )
    }

    /// The CSRF double submit for cookie-borne tokens on state-changing methods.
    func checkCSRF(_ request: inout Request, claims: JWTClaims) async throws(JWTAuthError) {
        guard cookies.csrfProtection, cookies.csrfMethods.contains(request.method) else { return }
        var presented = request.headers[cookies.csrfHeaderName]
        if presented == nil, Self.isForm(request) {
            presented = try await formField(cookies.csrfFormField, in: &request)
        }
        guard let presented, !presented.isEmpty else { throw .csrfFailed("Missing CSRF token") }
        guard let expected = claims.csrf else { throw .csrfFailed("Missing claim: csrf") }
        guard ConstantTime.equals(presented, expected) else { throw .csrfFailed("CSRF double submit tokens do not match") }
    }

    /// Consults the revocation store, timing it.
    func checkRevocation(_ verified: VerifiedToken) async throws(JWTAuthError) {
        guard verifier.revocationStore != nil else { return }
        let start = ContinuousClock.now
        defer { metrics.revocationLatency.recordInterval(since: start) }
        try await verifier.checkRevocation(verified)
    }

    private func loadUser(_ identity: JWTIdentity) async throws(JWTAuthError) -> JWTIdentity {
        guard let userLoader else { return identity }
        var identity = identity
        identity.user = try await lookUpUser(for: identity, with: userLoader)
        return identity
    }

    /// What `lookUp` returns for `identity`: `user_not_found` for nil, its own `JWTAuthError` as it is, and
    /// `unavailable` for any other error (whose text, perhaps a database address, is never shown).
    func lookUpUser<User>(
        for identity: JWTIdentity,
        with lookUp: (JWTIdentity) async throws -> User?
    ) async throws(JWTAuthError) -> User {
        let user: User?
        do {
            user = try await lookUp(identity)
        } catch let error as JWTAuthError {
            throw error
        } catch {
            throw .unavailable("The user store is unavailable")
        }
        guard let user else { throw .userNotFound(identity.subject) }
        return user
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let parts = elapsed.components
        recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }
}
