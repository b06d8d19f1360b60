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
    /// Registration throttling per client address (every attempt counts, successful or not); nil turns
    /// it off. Defaults to nil.
    public var registrationThrottler: LoginThrottler? = nil
    /// The proxies whose forwarding headers name the client, for throttling. Defaults to none.
    public var trustedProxies = TrustedProxies()
    /// The keyed hash under which failed logins log the username. Defaults to a key of this process;
    /// give one kept per installation so that logs of several instances and restarts agree.
    public var logPseudonym = LogPseudonym()

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
        let user = try await register(
            username: try body.string("username"),
            password: try body.string("password"),
            clientAddress: clientAddress(request, context)
        )
        return Self.json(.created, Self.describe(user))
    }

    @Sendable func login(_ request: inout Request, _ context: Context) async throws -> Response {
        let user = try await checkCredentials(&request, context)
        let pair = try await startSession(for: user)
        var response = tokenResponse(access: pair.access, refresh: pair.refresh)
        if manager.locations.contains(.cookies) {
            manager.setAccessCookies(pair.access, on: &response)
            manager.setRefreshCookies(pair.refresh, on: &response)
        }
        return response
    }

    @Sendable func freshLogin(_ request: inout Request, _ context: Context) async throws -> Response {
        let user = try await checkCredentials(&request, context)
        let access = try await signer().accessToken(for: user.id, fresh: .fresh, claims: ["roles": .array(user.roles.map(JSONValue.string))])
        try await sessions.openSession(access.sessionID ?? "", subject: user.id, until: access.expiresAt)
        return tokenResponse(access: access, refresh: nil)
    }

    @Sendable func refresh(_ request: inout Request, _ context: Context) async throws -> Response {
        let presented = try context.requireJWT().claims
        guard let jti = presented.id, let sid = presented.sessionID, let subject = presented.subject else {
            throw JWTAuthError.invalidToken("The refresh token lacks jti, sid or sub")
        }
        let sessionEnd = userSessions.sessionEnd
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
        try await userSessions.endAll(of: identity.subject, current: identity.claims.sessionID)
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
        try await userSessions.endAll(of: identity.subject, current: identity.claims.sessionID)
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: inout Request, _ context: Context) async throws -> Response {
        let subject = try context.requireJWT().subject
        guard let user = try await users.user(id: subject) else { throw JWTAuthError.userNotFound(subject) }
        return Self.json(.ok, Self.describe(user))
    }

    // MARK: Helpers

    /// The session rules over this group's stores.
    public var userSessions: UserSessions {
        UserSessions(
            sessions: sessions,
            revocations: revocations,
            refreshTokenLifetime: issuer.configuration.refreshTokenLifetime,
            clock: issuer.clock
        )
    }

    /// The client's address: the peer's, or the one a trusted proxy names.
    func clientAddress(_ request: Request, _ context: Context) -> String {
        trustedProxies.clientAddress(headers: request.headers, peer: (context as? any RemoteAddressRequestContext)?.remoteAddress)
    }

    /// Reads `{username, password}` from the JSON body and checks them with ``checkCredentials(username:password:clientAddress:logger:)``.
    private func checkCredentials(_ request: inout Request, _ context: Context) async throws -> UserRecord {
        let body = try await JSONBody(&request, limit: manager.maximumBodySize)
        return try await checkCredentials(
            username: try body.string("username"),
            password: try body.string("password"),
            clientAddress: clientAddress(request, context),
            logger: context.logger
        )
    }

    /// Checks a username and password as `login` does, for other front ends (an HTML form): the rules
    /// of ``Credentials`` for presented passwords, throttling, bcrypt on the thread pool, the same work and answer for an unknown
    /// user and a wrong password.
    ///
    /// The attempt takes its throttling slots (the username's and the address's) before bcrypt runs: of
    /// any number of concurrent guesses, at most the throttler's limit reach bcrypt.
    /// - Throws: `bad_request` (what can never be a stored password), `rate_limited` (with `retryAfter`),
    ///   `invalid_credentials`, `forbidden` (disabled), `unavailable` (bcrypt's queue is full), or a
    ///   store's error.
    public func checkCredentials(
        username rawUsername: String,
        password rawPassword: String,
        clientAddress: String,
        logger: Logger
    ) async throws -> UserRecord {
        // The name is looked up by its case-mapped key, not refused by the rules for new names: a name
        // registered before them still logs in, and one that matches nobody is a wrong credential like any
        // other.
        let username = try Credentials.presentedUsername(rawUsername)
        let password = try Credentials.presentedPassword(rawPassword)
        let userKey = "user:" + Credentials.comparisonKey(username)
        let reservation = try reserve([userKey, "ip:" + clientAddress], with: throttler)
        let user: UserRecord?
        let matches: Bool
        do {
            user = try await users.user(named: username)
            matches = try await passwords.verify(password, hash: user?.passwordHash)
        } catch {
            // Not a failed guess: a store or the hasher's queue. The slots are free again.
            if let reservation { throttler?.released(reservation) }
            throw error
        }
        guard matches, let user else {
            if let reservation { throttler?.failed(reservation) }
            logger.info(
                "Login failed",
                metadata: ["username.pseudonym": "\(logPseudonym(Credentials.comparisonKey(username)))", "client.address": "\(clientAddress)"]
            )
            throw JWTAuthError.invalidCredentials
        }
        if let reservation {
            throttler?.released(reservation)
            throttler?.forgive(userKey)
        }
        guard !user.isDisabled else { throw JWTAuthError.forbidden("The account is disabled") }
        return user
    }

    /// Creates a user as `register` does, for other front ends: the rules of ``Credentials``, a slot of
    /// the registration throttle taken before bcrypt runs (kept: every attempt counts), bcrypt on the
    /// thread pool, the store's atomic uniqueness.
    /// - Throws: `forbidden` (registration closed), `bad_request`, `rate_limited`, `conflict`,
    ///   `unavailable` (bcrypt's queue is full), or a store's error.
    public func register(username rawUsername: String, password rawPassword: String, clientAddress: String) async throws -> UserRecord {
        guard isRegistrationOpen else { throw JWTAuthError.forbidden("Registration is closed") }
        let username = try Credentials.username(rawUsername)
        let password = try Credentials.password(rawPassword)
        let reservation = try reserve(["ip:" + clientAddress], with: registrationThrottler)
        // Whatever the outcome, the attempt counts for the window.
        defer { if let reservation { registrationThrottler?.failed(reservation) } }
        let hash = try await passwords.hash(password)
        return try await users.createUser(username: username, passwordHash: hash, roles: defaultRoles)
    }

    /// A slot for each of `keys`, or `rate_limited`; nil without a throttler.
    private func reserve(_ keys: [String], with throttler: LoginThrottler?) throws(JWTAuthError) -> LoginThrottle.Reservation? {
        guard let throttler else { return nil }
        switch throttler.reserve(keys) {
        case .allow(let reservation): return reservation
        case .reject(let retryAfter): throw .rateLimited(retryAfter: retryAfter)
        }
    }

    /// A fresh token pair for `user` in a new session, recorded in the session store.
    public func startSession(for user: UserRecord) async throws -> TokenPair {
        let pair = try await signer().tokenPair(for: user.id, fresh: .fresh, claims: ["roles": .array(user.roles.map(JSONValue.string))])
        try await sessions.openSession(pair.refresh.sessionID ?? "", subject: user.id, until: pair.refresh.expiresAt)
        return pair
    }

    /// Revokes the token with `claims` and its whole session: what `logout` does.
    public func endSession(_ claims: JWTClaims) async throws {
        try await userSessions.end(claims)
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
