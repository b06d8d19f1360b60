public import Hummingbird
import HummingbirdAuth
public import JWTAuth
public import JWTAuthService
public import Logging
import NIOCore

/// The auth routes as a reusable router group: `register`, `login`, `refresh`, `fresh-login`, `logout`,
/// `logout-all`, `password` and `me`, each translating a request into one ``JWTAuthService/AuthService`` operation and
/// its result (or `JWTAuthError`) into a response.
public struct JWTAuthRoutes<Context: JWTRequestContext>: Sendable {
    public let manager: JWTManager
    /// The domain every route calls.
    public var service: AuthService
    /// The proxies whose forwarding headers name the client, for throttling. Defaults to none.
    public var trustedProxies = TrustedProxies()

    /// Routes over `service`, protected by `manager` (whose verifier must consult the service's
    /// revocations; a rotating key source of the manager signs the service's tokens).
    public init(manager: JWTManager, service: AuthService) {
        self.manager = manager
        self.service = manager.signing(service)
    }

    /// Routes over an ``JWTAuthService/AuthService`` made of these parts, its verifier the manager's.
    public init(
        manager: JWTManager,
        issuer: TokenIssuer,
        users: any UserStore,
        sessions: any SessionStore,
        revocations: any RevocationStore,
        passwords: PasswordHasher,
        throttler: (any LoginThrottling)? = nil,
        isRegistrationOpen: Bool = true,
        defaultRoles: [String] = []
    ) {
        self.init(
            manager: manager,
            service: AuthService(
                issuer: issuer,
                verifier: manager.verifier,
                users: users,
                sessions: sessions,
                revocations: revocations,
                passwords: passwords,
                loginThrottler: throttler,
                isRegistrationOpen: isRegistrationOpen,
                defaultRoles: defaultRoles
            )
        )
    }

    /// Registration throttling per client address; nil turns it off. Defaults to nil.
    public var registrationThrottler: (any LoginThrottling)? {
        get { service.registrationThrottler }
        set { service.registrationThrottler = newValue }
    }

    /// The keyed hash under which failed logins log the username (``AuthService/logPseudonym``).
    public var logPseudonym: LogPseudonym {
        get { service.logPseudonym }
        set { service.logPseudonym = newValue }
    }

    /// Whether `register` creates users.
    public var isRegistrationOpen: Bool { service.isRegistrationOpen }

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
            return await manager.response(for: error, request: request, context: context)
        } catch {
            context.logger.error("A store failed", metadata: ["error.type": "\(type(of: error))"])
            return await manager.response(for: .unavailable(), request: request, context: context)
        }
    }

    // MARK: Routes

    @Sendable func register(_ request: inout Request, _ context: Context) async throws -> Response {
        guard service.isRegistrationOpen else { throw JWTAuthError.forbidden("Registration is closed") }
        let body = try await decode(RegisterRequest.self, &request)
        let user = try await service.register(username: body.username, password: body.password, clientAddress: clientAddress(request, context))
        return try json(.created, UserResponse(user))
    }

    @Sendable func login(_ request: inout Request, _ context: Context) async throws -> Response {
        let body = try await decode(LoginRequest.self, &request)
        let pair = try await service.logging(to: context.logger)
            .login(username: body.username, password: body.password, clientAddress: clientAddress(request, context))
        return try tokenResponse(access: pair.access, refresh: pair.refresh)
    }

    @Sendable func freshLogin(_ request: inout Request, _ context: Context) async throws -> Response {
        let body = try await decode(LoginRequest.self, &request)
        let access = try await service.logging(to: context.logger)
            .freshLogin(username: body.username, password: body.password, clientAddress: clientAddress(request, context))
        return try tokenResponse(access: access, refresh: nil)
    }

    @Sendable func refresh(_ request: inout Request, _ context: Context) async throws -> Response {
        let pair = try await service.logging(to: context.logger).refresh(presented: try context.requireJWT().claims)
        return try tokenResponse(access: pair.access, refresh: pair.refresh)
    }

    @Sendable func logout(_ request: inout Request, _ context: Context) async throws -> Response {
        let identity = try context.requireJWT()
        // The body first: a refused body (400, 413, 415) must leave the session as it was.
        let body = request.headers[.contentType] == nil ? LogoutRequest() : try await decode(LogoutRequest.self, &request)
        try await service.logout(access: identity.claims, refreshToken: body.refreshToken)
        return signedOut()
    }

    @Sendable func logoutAll(_ request: inout Request, _ context: Context) async throws -> Response {
        let identity = try context.requireJWT()
        try await service.logoutEverywhere(identity.subject, current: identity.claims.sessionID)
        return signedOut()
    }

    @Sendable func changePassword(_ request: inout Request, _ context: Context) async throws -> Response {
        let identity = try context.requireJWT()
        let body = try await decode(ChangePasswordRequest.self, &request)
        try await service.changePassword(of: identity.subject, to: body.newPassword, current: identity.claims.sessionID)
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: inout Request, _ context: Context) async throws -> Response {
        try json(.ok, UserResponse(try await service.currentUser(try context.requireJWT().subject)))
    }

    // MARK: Helpers

    /// The client's address for throttling: the peer's, or the one a trusted proxy names.
    public func clientAddress(_ request: Request, _ context: Context) -> String {
        trustedProxies.clientAddress(headers: request.headers, peer: (context as? any RemoteAddressRequestContext)?.remoteAddress)
    }

    /// The request's JSON body as `type`: 415, 413 or 400 (naming the member at fault) when it is not one.
    private func decode<Body: RequestMessage>(_ type: Body.Type, _ request: inout Request) async throws(JWTAuthError) -> Body {
        try await JSONBody(&request, limit: manager.maximumBodySize).decode(type)
    }

    /// 204, clearing the token cookies when cookies are a location.
    private func signedOut() -> Response {
        var response = Response(status: .noContent)
        if manager.locations.contains(.cookies) { manager.unsetCookies(on: &response) }
        return response
    }

    /// 200 with the tokens (never cached), setting the token cookies too when cookies are a location.
    private func tokenResponse(access: IssuedToken, refresh: IssuedToken?) throws -> Response {
        var response = try json(.ok, TokenResponse(access: access, refresh: refresh, expiresIn: service.accessTokenLifetime))
        response.headers[.cacheControl] = "no-store"
        if let refresh, manager.locations.contains(.cookies) {
            manager.setAccessCookies(access, on: &response)
            manager.setRefreshCookies(refresh, on: &response)
        }
        return response
    }

    private func json(_ status: HTTPResponse.Status, _ body: some ResponseMessage) throws -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: try body.jsonBytes()))
        )
    }
}
