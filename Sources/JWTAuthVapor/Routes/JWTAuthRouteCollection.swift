#if Vapor
import HTTPTypes
import JWTAuth
public import JWTAuthService
public import Vapor

/// The auth routes: `register`, `login`, `refresh`, `fresh-login`, `logout`, `logout-all`, `password` and
/// `me`, each translating a request into one `AuthService` operation and its result (or `JWTAuthError`)
/// into a response. bcrypt runs on the service's `PasswordHasher` pool, never on an event loop.
///
/// ```swift
/// try app.grouped("auth").register(collection: JWTAuthRouteCollection(manager: manager, service: service))
/// ```
public struct JWTAuthRouteCollection: RouteCollection, Sendable {
    /// Protects `refresh`, `logout`, `logout-all`, `me` and `password`, and answers errors.
    public let manager: JWTManager
    /// The auth domain behind the routes.
    public var service: AuthService
    /// Proxies trusted to name the client (`X-Forwarded-For`, `Forwarded`) for throttling. Defaults to none.
    public var trustedProxies = TrustedProxies()

    /// The routes over `service`, behind `manager`. The manager's verifier must consult the service's
    /// revocation store; when the manager has a rotating signing key source, it signs the service's tokens too.
    public init(manager: JWTManager, service: AuthService) {
        self.manager = manager
        self.service = manager.signing(service)
    }

    public func boot(routes: any RoutesBuilder) throws {
        // Bodies stream in: each route reads at most `manager.maximumBodySize` itself (413 as JSON).
        routes.on(.POST, "register", body: .stream) { try await self.run($0, self.register) }
        routes.on(.POST, "login", body: .stream) { try await self.run($0, self.login) }
        routes.on(.POST, "fresh-login", body: .stream) { try await self.run($0, self.freshLogin) }
        routes.grouped(manager.middleware(.refresh)).on(.POST, "refresh", body: .stream) { try await self.run($0, self.refresh) }
        let access = routes.grouped(manager.middleware(.required))
        access.on(.POST, "logout", body: .stream) { try await self.run($0, self.logout) }
        access.on(.POST, "logout-all", body: .stream) { try await self.run($0, self.logoutAll) }
        access.on(.GET, "me") { try await self.run($0, self.me) }
        routes.grouped(manager.middleware(.fresh)).on(.PUT, "password", body: .stream) { try await self.run($0, self.changePassword) }
    }

    /// Runs a route, turning a `JWTAuthError` into its response and any other error (a store that
    /// failed) into 503 `unavailable`.
    private func run(_ request: Request, _ route: @Sendable (Request) async throws -> Response) async throws -> Response {
        do {
            return try await route(request)
        } catch {
            if !(error is JWTAuthError) { request.logger.error("A store failed", metadata: ["error.type": "\(type(of: error))"]) }
            return manager.response(for: .failingClosed(error), request: request)
        }
    }

    // MARK: Routes

    @Sendable func register(_ request: Request) async throws -> Response {
        guard service.isRegistrationOpen else { throw JWTAuthError.forbidden("Registration is closed") }
        let body = try await decode(RegisterRequest.self, request)
        let user = try await service.register(username: body.username, password: body.password, clientAddress: clientAddress(request))
        return try json(.created, UserResponse(user))
    }

    @Sendable func login(_ request: Request) async throws -> Response {
        let body = try await decode(LoginRequest.self, request)
        let pair = try await service.logging(to: request.logger)
            .login(username: body.username, password: body.password, clientAddress: clientAddress(request))
        return try tokenResponse(access: pair.access, refresh: pair.refresh)
    }

    @Sendable func freshLogin(_ request: Request) async throws -> Response {
        let body = try await decode(LoginRequest.self, request)
        let access = try await service.logging(to: request.logger)
            .freshLogin(username: body.username, password: body.password, clientAddress: clientAddress(request))
        return try tokenResponse(access: access, refresh: nil)
    }

    @Sendable func refresh(_ request: Request) async throws -> Response {
        let pair = try await service.logging(to: request.logger).refresh(presented: try request.jwtAuth.identity.claims)
        return try tokenResponse(access: pair.access, refresh: pair.refresh)
    }

    @Sendable func logout(_ request: Request) async throws -> Response {
        let identity = try request.jwtAuth.identity
        // The body first: a refused body (400, 413, 415) must leave the session as it was.
        let body = request.headers.first(name: .contentType) == nil ? LogoutRequest() : try await decode(LogoutRequest.self, request)
        try await service.logout(access: identity.claims, refreshToken: body.refreshToken)
        return signedOut()
    }

    @Sendable func logoutAll(_ request: Request) async throws -> Response {
        let identity = try request.jwtAuth.identity
        try await service.logoutEverywhere(identity.subject, current: identity.claims.sessionID)
        return signedOut()
    }

    @Sendable func changePassword(_ request: Request) async throws -> Response {
        let identity = try request.jwtAuth.identity
        let body = try await decode(ChangePasswordRequest.self, request)
        try await service.changePassword(of: identity.subject, to: body.newPassword, current: identity.claims.sessionID)
        return Response(status: .noContent)
    }

    @Sendable func me(_ request: Request) async throws -> Response {
        try json(.ok, UserResponse(try await service.currentUser(try request.jwtAuth.identity.subject)))
    }

    // MARK: Helpers

    /// The client's address for throttling: the peer's, or the one a trusted proxy names.
    public func clientAddress(_ request: Request) -> String {
        var fields = HTTPFields()
        for name in [TrustedProxies.xForwardedFor, TrustedProxies.forwarded] {
            for value in request.headers[name.rawName] { fields.append(HTTPField(name: name, value: value)) }
        }
        return trustedProxies.clientAddress(headers: fields, peer: request.peerAddress ?? request.remoteAddress)
    }

    /// The request's JSON body as `type`, read strictly: `application/json` in UTF-8 (415), at most the
    /// manager's limit (413), one object with the members `type` needs (400 naming the member at fault).
    private func decode<Body: RequestMessage>(_ type: Body.Type, _ request: Request) async throws(JWTAuthError) -> Body {
        guard ContentType.matches(request.headers.first(name: .contentType), "application/json") else { throw .unsupportedMediaType }
        let bytes = try await request.collectedBody(upTo: manager.maximumBodySize)
        return try JSONObjectBody(parsing: bytes.readableBytesView).decode(type)
    }

    /// 204, clearing the token cookies when cookies are a location.
    private func signedOut() -> Response {
        let response = Response(status: .noContent)
        if manager.locations.contains(.cookies) { manager.unsetCookies(on: response) }
        return response
    }

    /// 200 with the tokens (never cached), setting the token cookies too when cookies are a location.
    private func tokenResponse(access: IssuedToken, refresh: IssuedToken?) throws -> Response {
        let response = try json(.ok, TokenResponse(access: access, refresh: refresh, expiresIn: service.accessTokenLifetime))
        response.headers.replaceOrAdd(name: .cacheControl, value: "no-store")
        if let refresh, manager.locations.contains(.cookies) {
            manager.setAccessCookies(access, on: response)
            manager.setRefreshCookies(refresh, on: response)
        }
        return response
    }

    /// The body as the Hummingbird adapter writes it: compact JSON, members sorted.
    private func json(_ status: HTTPResponseStatus, _ body: some ResponseMessage) throws -> Response {
        Response(
            status: status,
            headers: ["Content-Type": JWTAuthError.contentType],
            body: .init(buffer: ByteBuffer(bytes: try body.jsonBytes()))
        )
    }
}
#endif
