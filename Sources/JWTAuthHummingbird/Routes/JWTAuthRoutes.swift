public import Hummingbird
import HummingbirdAuth
public import JWTAuth
public import Logging
import NIOCore

/// The auth routes of DESIGN.md as a reusable router group: `register`, `login`, `refresh`,
/// `fresh-login`, `logout`, `logout-all`, `password` and `me`.
///
/// The manager's verifier must consult the same `revocations` store that these routes write to.
public struct JWTAuthRoutes<Context: JWTRequestContext>: Sendable {
    public let manager: JWTManager
    public let issuer: TokenIssuer
    public let users: any UserStore
    public let sessions: any SessionStore
    public let revocations: any RevocationStore
    public let passwords: PasswordHasher
    /// Login throttling; nil turns it off.
    public let throttler: LoginThrottler?
    /// Whether `register` creates users. Defaults to true.
    public let isRegistrationOpen: Bool
    /// The roles a registered user starts with. Defaults to none.
    public let defaultRoles: [String]

    public init(
        manager: JWTManager,
        issuer: TokenIssuer,
        users: any UserStore,
        sessions: any SessionStore,
        revocations: any RevocationStore,
        passwords: PasswordHasher,
        throttler: LoginThrottler? = nil,
        isRegistrationOpen: Bool = true,
        defaultRoles: [String] = []
    ) {
        self.manager = manager
        self.issuer = issuer
        self.users = users
        self.sessions = sessions
        self.revocations = revocations
        self.passwords = passwords
        self.throttler = throttler
        self.isRegistrationOpen = isRegistrationOpen
        self.defaultRoles = defaultRoles
    }

    /// The issuer that signs now: ``issuer``, or with a manager whose key source is a ``JWTSigningKeySource``,
    /// ``issuer`` with the source's current key (a key rotated while the application runs).
    public func signer() async throws(JWTAuthError) -> TokenIssuer {
        try await manager.issuer(basedOn: issuer)
    }

    /// Adds the routes to `group` (for example `router.group("auth")`).
    public func addRoutes(to group: RouterGroup<Context>) {
        group.post("register") { request, context in await self.run(request, context, self.register) }
        group.post("login") { request, context in await self.run(request, context, self.login) }
        group.post("fresh-login") { request, context in await self.run(request, context, self.freshLogin) }
        group.group("refresh").add(middleware: manager.middleware(.refresh, context: Context.self))
            .post { request, context in await self.run(request, context, self.refresh) }
        let access = group.group().add(middleware: manager.middleware(.required, context: Context.self))
        access.post("logout") { request, context in await self.run(request, context, self.logout) }
        access.post("logout-all") { request, context in await self.run(request, context, self.logoutAll) }
        access.get("me") { request, context in await self.run(request, context, self.me) }
        group.group("password").add(middleware: manager.middleware(.fresh, context: Context.self))
            .put { request, context in await self.run(request, context, self.changePassword) }
    }

    /// Runs a route, turning a `JWTAuthError` into its response and any other error (a store that
    /// failed) into 503 `unavailable`.
    private func run(
        _ request: Request,
        _ context: Context,
        _ route: @Sendable (inout Request, Context) async throws -> Response
    ) async -> Response {
        var request = request
        do {
            return try await route(&request, context)
        } catch let error as JWTAuthError {
            return manager.response(for: error, request: request)
        } catch {
            context.logger.error("A store failed", metadata: ["error.type": "\(type(of: error))"])
            return manager.response(for: .unavailable(), request: request)
        }
    }

    // MARK: Routes

    @Sendable func register(_ request: inout Request, _ context: Context) async throws -> Response {
        guard isRegistrationOpen else { throw JWTAuthError.forbidden("Registration is closed") }
        let body = try await JSONBody(&request, limit: manager.maximumBodySize)
        let username = try Credentials.username(try body.string("username"))
        let password = try Credentials.password(try body.string("password"))
        let hash = try await passwords.hash(password)
        let user = try await users.createUser(username: username, passwordHash: hash, roles: defaultRoles)
        return Self.json(.created, Self.describe(user))
    }

    @Sendable func login(_ request: inout Request, _ context: Context) async throws -> Response {
        let user: UserRecord
        switch try await checkCredentials(&request, context) {
        case .success(let found): user = found
        case .failure(let response): return response
        }
        let pair = try await startSession(for: user)
        var response = tokenResponse(access: pair.access, refresh: pair.refresh)
        if manager.locations.contains(.cookies) {
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
        }
        return response
    }

    @Sendable func freshLogin(_ request: inout Request, _ context: Context) async throws -> Response {
        let user: UserRecord
        switch try await checkCredentials(&request, context) {
        case .success(let found): user = found
        case .failure(let response): return response
        }
        let access = try await signer().accessToken(for: user.id, fresh: .fresh, claims: ["roles": .array(user.roles.map(JSONValue.string))])
        try await sessions.openSession(access.sessionID ?? "", subject: user.id, until: access.expiresAt)
        return tokenResponse(access: access, refresh: nil)
    }

    @Sendable func refresh(_ request: inout Request, _ context: Context) async throws -> Response {
        let presented = try context.requireJWT().claims
        guard let jti = presented.id, let sid = presented.sessionID, let subject = presented.subject else {
            throw JWTAuthError.invalidToken("The refresh token lacks jti, sid or sub")
        }
        let sessionEnd = issuer.clock.now + Double(issuer.configuration.refreshTokenLifetime.components.seconds)
        guard try await revocations.spend(refreshTokenID: jti, until: presented.expiresAt ?? sessionEnd) else {
            // A spent refresh token came back: someone holds a copy. End the whole session.
            try await revocations.revoke(sessionID: sid, until: sessionEnd)
            try await sessions.closeSession(sid)
            context.logger.notice("Refresh token reuse: session revoked", metadata: ["jwt.sid": "\(sid)"])
            throw JWTAuthError.tokenRevoked
        }
        guard let user = try await users.user(id: subject) else { throw JWTAuthError.userNotFound(subject) }
        guard !user.isDisabled else { throw JWTAuthError.forbidden("The account is disabled") }
        let roles: JSONValue = .array(user.roles.map(JSONValue.string))
        let signer = try await signer()
        let access = try signer.accessToken(for: user.id, fresh: .notFresh, sessionID: sid, csrf: presented.csrf, claims: ["roles": roles])
        let refresh = try signer.refreshToken(for: user.id, sessionID: sid, csrf: presented.csrf, claims: ["roles": roles])
        try await sessions.extendSession(sid, until: refresh.expiresAt)
        var response = tokenResponse(access: access, refresh: refresh)
        if manager.locations.contains(.cookies) {
            manager.setAccessCookies(access, on: &response)
            manager.setRefreshCookies(refresh, on: &response)
        }
        return response
    }

    @Sendable func logout(_ request: inout Request, _ context: Context) async throws -> Response {
        let identity = try context.requireJWT()
        // The body first: a refused body (400, 413, 415) must leave the session as it was.
        let refreshToken = try await optionalRefreshToken(&request)
        try await endSession(identity.claims)
        if let refreshToken,
            let refresh = try? manager.verifier.decode(refreshToken, as: .refresh),
            refresh.subject == identity.subject
        {
            try await endSession(refresh.claims)
        }
        var response = Response(status: .noContent)
        if manager.locations.contains(.cookies) { manager.unsetCookies(on: &response) }
        return response
    }

    @Sendable func logoutAll(_ request: inout Request, _ context: Context) async throws -> Response {
        let identity = try context.requireJWT()
        try await revokeEverySession(of: identity.subject, current: identity.claims.sessionID)
        var response = Response(status: .noContent)
        if manager.locations.contains(.cookies) { manager.unsetCookies(on: &response) }
        return response
    }

    @Sendable func changePassword(_ request: inout Request, _ context: Context) async throws -> Response {
        let identity = try context.requireJWT()
        let body = try await JSONBody(&request, limit: manager.maximumBodySize)
        let password = try Credentials.password(try body.string("new_password"), field: "new_password")
        guard try await users.user(id: identity.subject) != nil else { throw JWTAuthError.userNotFound(identity.subject) }
        try await users.setPasswordHash(try await passwords.hash(password), forUser: identity.subject)
        try await revokeEverySession(of: identity.subject, current: identity.claims.sessionID)
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: inout Request, _ context: Context) async throws -> Response {
        let subject = try context.requireJWT().subject
        guard let user = try await users.user(id: subject) else { throw JWTAuthError.userNotFound(subject) }
        return Self.json(.ok, Self.describe(user))
    }

    // MARK: Helpers

    /// Sets the user's cutoff to the current second and revokes every open session, so that tokens
    /// issued earlier in that same second die too while later logins work.
    private func revokeEverySession(of subject: String, current: String?) async throws {
        let now = issuer.clock.now
        let sessionEnd = now + Double(issuer.configuration.refreshTokenLifetime.components.seconds)
        try await revocations.revokeAll(subject: subject, issuedBefore: now.rounded(.down))
        var open = try await sessions.openSessions(of: subject)
        if let current { open[current] = max(open[current] ?? sessionEnd, sessionEnd) }
        for (sid, until) in open {
            try await revocations.revoke(sessionID: sid, until: max(until, now + 1))
            try await sessions.closeSession(sid)
        }
    }

    private enum CredentialCheck {
        case success(UserRecord)
        case failure(Response)
    }

    /// Reads `{username, password}` from the JSON body and checks them with ``checkCredentials(username:password:clientAddress:)``.
    private func checkCredentials(_ request: inout Request, _ context: Context) async throws -> CredentialCheck {
        let body = try await JSONBody(&request, limit: manager.maximumBodySize)
        let username = try body.string("username")
        let password = try body.string("password")
        let address = (context as? any RemoteAddressRequestContext)?.remoteAddress?.ipAddress ?? "unknown"
        switch try await checkCredentials(username: username, password: password, clientAddress: address, logger: context.logger) {
        case .success(let user): return .success(user)
        case .throttled(let retryAfter):
            return .failure(
                JWTAuthError.rateLimited("Too many attempts, try again in \(retryAfter) seconds")
                    .response(realm: manager.realm, headers: [.retryAfter: String(retryAfter)])
            )
        }
    }

    /// What checking a username and password gave.
    public enum CredentialOutcome: Sendable {
        case success(UserRecord)
        /// Too many failures for this username or address: retry after this many seconds.
        case throttled(retryAfter: Int)
    }

    /// Checks a username and password as `login` does, for other front ends (an HTML form): the rules
    /// of ``Credentials``, throttling, bcrypt on the thread pool, the same work and answer for an unknown
    /// user and a wrong password.
    /// - Throws: `bad_request`, `invalid_credentials`, `forbidden` (disabled), or a store's error.
    public func checkCredentials(
        username rawUsername: String,
        password rawPassword: String,
        clientAddress: String,
        logger: Logger
    ) async throws
        -> CredentialOutcome
    {
        let username = try Credentials.username(rawUsername)
        let password = try Credentials.password(rawPassword)
        let keys = ["user:" + username, "ip:" + clientAddress]
        if let throttler, case .reject(let retryAfter) = await throttler.attempt(keys) {
            return .throttled(retryAfter: retryAfter)
        }
        let user = try await users.user(named: username)
        guard try await passwords.verify(password, hash: user?.passwordHash), let user else {
            await throttler?.failed(keys)
            logger.info("Login failed")
            throw JWTAuthError.invalidCredentials
        }
        await throttler?.succeeded("user:" + username)
        guard !user.isDisabled else { throw JWTAuthError.forbidden("The account is disabled") }
        return .success(user)
    }

    /// A fresh token pair for `user` in a new session, recorded in the session store.
    public func startSession(for user: UserRecord) async throws -> TokenPair {
        let pair = try await signer().tokenPair(for: user.id, fresh: .fresh, claims: ["roles": .array(user.roles.map(JSONValue.string))])
        try await sessions.openSession(pair.refresh.sessionID ?? "", subject: user.id, until: pair.refresh.expiresAt)
        return pair
    }

    /// Revokes the token with `claims` and its whole session: what `logout` does.
    public func endSession(_ claims: JWTClaims) async throws {
        let sessionEnd = issuer.clock.now + Double(issuer.configuration.refreshTokenLifetime.components.seconds)
        if let jti = claims.id { try await revocations.revoke(tokenID: jti, until: claims.expiresAt ?? sessionEnd) }
        if let sid = claims.sessionID {
            try await revocations.revoke(sessionID: sid, until: sessionEnd)
            try await sessions.closeSession(sid)
        }
    }

    /// The `refresh_token` member of an optional JSON body.
    private func optionalRefreshToken(_ request: inout Request) async throws -> String? {
        guard request.headers[.contentType] != nil else { return nil }
        return try await JSONBody(&request, limit: manager.maximumBodySize).optionalString("refresh_token")
    }

    private func tokenResponse(access: IssuedToken, refresh: IssuedToken?) -> Response {
        var members: [String: JSONValue] = [
            "access_token": .string(access.token),
            "token_type": "Bearer",
            "expires_in": .int(Int64(issuer.configuration.accessTokenLifetime.components.seconds)),
        ]
        if let refresh { members["refresh_token"] = .string(refresh.token) }
        var response = Self.json(.ok, members)
        response.headers[.cacheControl] = "no-store"
        return response
    }

    static func describe(_ user: UserRecord) -> [String: JSONValue] {
        ["id": .string(user.id), "username": .string(user.username), "roles": .array(user.roles.map(JSONValue.string))]
    }

    static func json(_ status: HTTPResponse.Status, _ members: [String: JSONValue]) -> Response {
        var body: [UInt8] = []
        JSONWriter.write(.object(members), into: &body, sortedKeys: true)
        return Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: body))
        )
    }
}
