public import Hummingbird
public import JWTAuth
import JWTAuthService
import Logging
import Metrics

/// The outcome of checking a request's token.
public struct JWTAuthentication: Sendable {
    /// The verified identity.
    public var identity: JWTIdentity
    /// A new access token issued by implicit refresh, to be set as cookies on the response.
    public var reissuedAccessToken: IssuedToken?
}

extension JWTManager: TokenAuthority {
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
            noteRefusal(error, context: context)
            throw error
        }
    }

    /// Counts and logs (at debug) a refused token by its error code.
    private func noteRefusal(_ error: JWTAuthError, context: some RequestContext) {
        metrics.reject(error.code)
        context.logger.debug("JWT refused", metadata: ["jwt.error": "\(error.code)"])
    }

    /// ``authenticate(_:context:requirement:)`` without suspending, when nothing the check needs must be awaited: a
    /// bearer token in the `Authorization` header, no key source or one with the token's keys at hand, no user loader,
    /// and a revocation store that answers at once (in memory, or SQLite's index). Nil, having decided nothing,
    /// otherwise: then call ``authenticate(_:context:requirement:)``, which gives the same answer.
    func authenticateSynchronously(
        _ request: Request,
        context: some RequestContext,
        requirement: JWTRequirement
    ) -> Result<JWTAuthentication?, JWTAuthError>? {
        guard request.method != .options else { return .success(nil) }
        guard userLoader == nil else { return nil }
        let carrier = RequestTokenCarrier(request: request, maximumBodySize: maximumBodySize)
        switch checkTokenSynchronously(carrier, requirement: requirement, locations: requirement.locations ?? locations) {
        case .success(let checked)?:
            metrics.verified.increment()
            let identity = JWTIdentity(token: checked.token, rawToken: checked.rawToken, location: checked.location)
            return .success(JWTAuthentication(identity: identity, reissuedAccessToken: nil))
        case .failure(let error)?:
            noteRefusal(error, context: context)
            return .failure(error)
        case nil:
            return nil
        }
    }

    private func check(_ request: inout Request, requirement: JWTRequirement) async throws(JWTAuthError) -> JWTAuthentication? {
        var carrier = RequestTokenCarrier(request: request, maximumBodySize: maximumBodySize)
        defer { request = carrier.request }
        let locations = requirement.locations ?? self.locations
        guard let checked = try await checkToken(&carrier, requirement: requirement, locations: locations) else { return nil }
        let identity = try await loadUser(JWTIdentity(token: checked.token, rawToken: checked.rawToken, location: checked.location))
        return JWTAuthentication(identity: identity, reissuedAccessToken: checked.reissued)
    }

    /// Consults the revocation store, timing it.
    package func checkRevocation(_ verified: VerifiedToken) async throws(JWTAuthError) {
        guard verifier.revocationStore != nil else { return }
        let start = ContinuousClock.now
        defer { metrics.revocationLatency.recordInterval(since: start) }
        try await verifier.checkRevocation(verified)
    }

    /// ``checkRevocation(_:)`` without suspending, timed as it is.
    package func checkRevocationSynchronously(_ verified: VerifiedToken) throws(JWTAuthError) -> Bool {
        guard verifier.revocationStore != nil else { return try verifier.checkRevocationSynchronously(verified) }
        let start = ContinuousClock.now
        defer { metrics.revocationLatency.recordInterval(since: start) }
        return try verifier.checkRevocationSynchronously(verified)
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
        try await JWTAuthError.loadingUser(identity.subject) { try await lookUp(identity) }
    }
}

extension Timer {
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let parts = elapsed.components
        recordNanoseconds(parts.seconds * 1_000_000_000 + parts.attoseconds / 1_000_000_000)
    }
}
