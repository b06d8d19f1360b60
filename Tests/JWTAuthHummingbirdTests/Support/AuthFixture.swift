import Hummingbird
import HummingbirdAuth
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Logging
import Metrics
import NIOCore

/// A signing key, a settable clock, an in-memory revocation store and the managers and applications
/// built on them, for the adapter's tests.
struct AuthFixture {
    let factory: TokenFactory
    let store: MemoryRevocationStore

    var clock: SettableClock { factory.clock }
    var issuer: TokenIssuer { factory.issuer }

    /// `csrf` issues tokens with a `csrf` claim, as cookie sessions need.
    init(csrf: Bool = true) throws {
        factory = try TokenFactory(configuration: TokenConfiguration(includesCSRFClaim: csrf))
        store = MemoryRevocationStore(clock: factory.clock.clock)
    }

    /// A fixture over another's keys and store (the shared conformance cases').
    init(factory: TokenFactory, store: MemoryRevocationStore) {
        self.factory = factory
        self.store = store
    }

    /// A manager verifying this fixture's tokens against `revocationStore` (the fixture's store by default).
    func manager(
        locations: [TokenLocation] = [.headers],
        revocationStore: (any RevocationStore)? = nil,
        cookies: JWTCookieConfiguration = JWTCookieConfiguration(),
        maximumBodySize: Int = 64 * 1024,
        userLoader: JWTManager.UserLoader? = nil,
        implicitRefresh: Duration? = nil,
        sessions: (any SessionStore)? = nil,
        metricsFactory: (any MetricsFactory)? = nil
    ) throws -> JWTManager {
        JWTManager(
            verifier: try factory.verifier(revocationStore: revocationStore ?? store).checkingSessions(in: sessions),
            issuer: factory.issuer,
            options: JWTManager.Options(
                locations: locations,
                cookies: cookies,
                maximumBodySize: maximumBodySize,
                userLoader: userLoader,
                implicitRefresh: implicitRefresh
            ),
            metricsFactory: metricsFactory ?? MetricsSystem.factory
        )
    }

    /// A router with `JWTErrorMiddleware` first and, for each ``RouteRequirement``, `/<name>` (GET, POST,
    /// PUT, PATCH, DELETE, OPTIONS) and `/<name>/admin` (GET, behind `RoleRequiredMiddleware("admin")`),
    /// each answering `{"user": <sub or null>}`.
    func router(
        _ manager: JWTManager,
        routes: (Router<BasicJWTRequestContext>) -> Void = { _ in }
    ) -> Router<BasicJWTRequestContext> {
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        for route in RouteRequirement.allCases {
            let group = router.group(RouterPath(route.path)).add(middleware: manager.middleware(route.requirement))
            for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete, .options] {
                group.on("", method: method) { _, context in Self.userResponse(context) }
            }
            router.group(RouterPath(route.path + "/admin"))
                .add(middleware: manager.middleware(route.requirement))
                .add(middleware: RoleRequiredMiddleware("admin"))
                .get { _, context in Self.userResponse(context) }
        }
        routes(router)
        return router
    }

    /// The application around ``router(_:routes:)``.
    func app(
        _ manager: JWTManager,
        logger: Logger? = nil,
        routes: (Router<BasicJWTRequestContext>) -> Void = { _ in }
    ) -> some ApplicationProtocol {
        Application(
            router: router(manager, routes: routes),
            configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            logger: logger
        )
    }

    /// A fresh access token, a refresh token and a non-fresh access token share a session and CSRF value.
    func pair(subject: String = "42", roles: [String] = ["user"]) throws -> TokenPair {
        try issuer.tokenPair(for: subject, claims: ["roles": .array(roles.map(JSONValue.string))])
    }

    /// The token a `route` accepts, for `subject` with `roles`.
    func goodToken(for route: RouteRequirement, subject: String = "42", roles: [String] = ["user"]) throws -> IssuedToken {
        let claims: [String: JSONValue] = ["roles": .array(roles.map(JSONValue.string))]
        switch route {
        case .refresh: return try issuer.refreshToken(for: subject, claims: claims)
        case .fresh: return try issuer.accessToken(for: subject, fresh: .fresh, claims: claims)
        case .required, .optional: return try issuer.accessToken(for: subject, claims: claims)
        }
    }

    /// `{"user": <sub>}`, or `{"user": null}` without an identity.
    static func userResponse(_ context: BasicJWTRequestContext) -> Response {
        json(["user": context.identity.map { .string($0.subject) } ?? .null])
    }

    static func json(_ members: [String: JSONValue]) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "application/json"],
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(.object(members), sortedKeys: true)))
        )
    }
}

/// The four kinds of protected route: `@jwt_required()`, `(optional=True)`, `(fresh=True)`, `(refresh=True)`.
enum RouteRequirement: String, CaseIterable, Sendable {
    case required, optional, fresh, refresh

    var requirement: JWTRequirement {
        switch self {
        case .required: .required
        case .optional: .optional
        case .fresh: .fresh
        case .refresh: .refresh
        }
    }

    var path: String { "/\(rawValue)" }
    var acceptsRefreshTokens: Bool { self == .refresh }
}
