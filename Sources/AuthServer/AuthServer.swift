import Foundation
public import Hummingbird
import HummingbirdAuth
public import JWTAuth
import JWTAuthHummingbird
import JWTAuthSQLite
import JWTAuthService
import Logging
import Metrics
import NIOCore
import Prometheus
import ServiceLifecycle

/// Builds the auth service (`jwt-auth serve`) from a configuration: the function tests call to run it
/// in-process.
public enum AuthServer {
    /// The routes the service answers, with their methods (for 405 answers).
    static let routes: [String: [HTTPRequest.Method]] = [
        "/auth/register": [.post], "/auth/login": [.post], "/auth/refresh": [.post], "/auth/fresh-login": [.post],
        "/auth/logout": [.post], "/auth/logout-all": [.post], "/auth/password": [.put], "/auth/me": [.get],
        "/api/protected": [.get], "/api/optional": [.get], "/api/admin": [.get], "/.well-known/jwks.json": [.get],
        "/health": [.get], "/metrics": [.get], "/auth/verify": [.get], "/auth/introspect": [.post],
        "/openapi.json": [.get],
        "/": [.get], "/login": [.get, .post], "/logout": [.post], "/register": [.get, .post], "/static/style.css": [.get],
    ]

    /// The application for `configuration`, with its stores opened (and migrated) and its keys loaded
    /// or generated.
    /// - Throws: ``ConfigurationError`` for a setting that cannot be used, or the store's error.
    public static func buildApplication(
        _ configuration: AuthServerConfiguration,
        clock: JWTClock = .system,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        var logger = Logger(label: "jwt-auth")
        logger.logLevel = configuration.logLevel
        DataDirectoryCheck.warnIfShared(configuration.dataDirectory, logger: logger)
        let registry = MetricsBootstrap.registry
        let stores = try await ServiceStores.open(configuration, clock: clock, logger: logger)
        let keys: SigningKeys
        do {
            keys = try await SigningKeys.load(configuration, store: stores.keyStore, clock: clock)
        } catch {
            try? await stores.close()
            throw error
        }

        let issuer = try TokenIssuer(key: keys.signingKey, configuration: configuration.tokens, clock: clock, claimsProvider: nil)
        let verifier = try TokenVerifier(
            keys: keys.verificationKeys,
            configuration: configuration.tokens,
            revocationStore: stores.revocations,
            cache: keys.signingKey.algorithm.isAsymmetric ? VerifiedTokenCache() : nil,
            clock: clock
        )
        let manager = JWTManager(
            verifier: verifier,
            issuer: issuer,
            locations: configuration.tokenLocations,
            cookies: JWTCookieConfiguration(secure: configuration.cookieSecure),
            keySource: keys.source
        )

        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: MetricsMiddleware())
        if configuration.isWebSiteEnabled { router.add(middleware: WebErrorPages(apiPaths: routes.keys.filter { !WebSite.paths.contains($0) })) }
        router.add(
            middleware: JWTErrorMiddleware(
                manager: manager,
                allowedMethods: { path in
                    configuration.isWebSiteEnabled || !WebSite.paths.contains(path) ? routes[path] : nil
                }
            )
        )
        let logKey: [UInt8]
        do {
            logKey = try await stores.secrets.installationSecret(named: "log-pseudonym")
        } catch {
            try? await stores.close()
            throw error
        }
        let service = AuthService(
            issuer: issuer,
            verifier: verifier,
            users: stores.users,
            sessions: stores.sessions,
            revocations: stores.revocations,
            passwords: PasswordHasher(cost: configuration.bcryptCost, maximumWaiting: configuration.bcryptQueue),
            loginThrottler: LoginThrottler(limit: configuration.loginAttempts, window: configuration.loginWindow, clock: { clock.now }),
            registrationThrottler: LoginThrottler(limit: configuration.registerAttempts, window: configuration.loginWindow, clock: { clock.now }),
            isRegistrationOpen: configuration.isRegistrationOpen,
            logPseudonym: LogPseudonym(key: logKey),
            logger: logger
        )
        var auth = JWTAuthRoutes<BasicJWTRequestContext>(manager: manager, service: service)
        auth.trustedProxies = configuration.trustedProxies
        auth.addRoutes(to: router.group("auth"))
        ServiceRoutes(manager: manager, keys: keys, stores: stores, registry: registry).addRoutes(to: router)
        GatewayRoutes(manager: manager, introspectionClients: configuration.introspectionClients).addRoutes(to: router)
        OpenAPIRoute.add(to: router)
        if configuration.isWebSiteEnabled {
            // Re-issue the access cookie when a minute (or a third of a short lifetime) is left.
            let refreshAhead = min(.seconds(60), configuration.tokens.accessTokenLifetime / 3)
            WebSite(auth: auth, cookieSecure: configuration.cookieSecure, implicitRefresh: refreshAhead).addRoutes(to: router)
        }

        var app = Application(
            router: router,
            server: .limitedHTTP1(idleTimeout: configuration.idleTimeout, maxConnections: configuration.maxConnections, logger: logger),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "jwt-auth"),
            onServerRunning: onServerRunning,
            logger: logger
        )
        app.addServices(stores.service)
        return app
    }
}

/// The Prometheus registry behind `/metrics`, bootstrapped once per process.
enum MetricsBootstrap {
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        return registry
    }()
}
