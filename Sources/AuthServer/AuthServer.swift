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
import Synchronization

/// Builds the auth service (`jwt-auth serve`) from a configuration: the function tests call to run it
/// in-process.
public enum AuthServer {
    /// The application for `configuration`, with its stores opened (and migrated) and its keys loaded
    /// or generated.
    /// - Throws: ``ConfigurationError`` for a setting that cannot be used, ``ListenError`` when the metrics
    ///   address cannot be bound, or the store's error.
    public static func buildApplication(
        _ configuration: AuthServerConfiguration,
        clock: JWTClock = .system,
        onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in },
        onMetricsServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        // Before anything is opened or made: the main server's own bind fails before it starts.
        try configuration.metricsAddress?.checkCanListen()
        let built = try await makeRouter(configuration, clock: clock)
        // Said once every server listens: a start that fails (a port taken) removes what it made (`serve`).
        let waiting = Countdown(configuration.metricsAddress == nil ? 1 : 2)
        let listening: @Sendable () -> Void = { [announce = built.announce] in
            if waiting.countDown() { announce() }
        }
        var app = Application(
            router: built.router,
            server: .limitedHTTP1(idleTimeout: configuration.idleTimeout, maxConnections: configuration.maxConnections, logger: built.logger),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "jwt-auth"),
            onServerRunning: { channel in
                listening()
                await onServerRunning(channel)
            },
            logger: built.logger
        )
        app.addServices(built.stores.services)
        if let address = configuration.metricsAddress {
            // `/metrics` alone, on its own address (a private network or loopback for the scraper).
            let router = Router()
            MetricsExposition.addRoute(to: router, registry: MetricsExposition.registry)
            let metrics = Application(
                router: router,
                configuration: .init(address: .hostname(address.host, port: address.port), serverName: "jwt-auth"),
                onServerRunning: { channel in
                    listening()
                    await onMetricsServerRunning(channel)
                },
                logger: built.logger
            )
            app.addServices(MetricsServer(server: metrics, address: address))
        }
        return app
    }

    /// The routes of the service for `configuration`, as its router holds them (its stores are opened, then
    /// closed again), to check them against the OpenAPI document.
    package static func routeTable(_ configuration: AuthServerConfiguration, clock: JWTClock = .system) async throws -> RouteTable {
        let built = try await makeRouter(configuration, clock: clock)
        try await built.stores.close()
        return built.routes
    }

    /// The router with every route of the service, and what it was built from.
    private static func makeRouter(
        _ configuration: AuthServerConfiguration,
        clock: JWTClock
    ) async throws -> (
        router: Router<BasicJWTRequestContext>, routes: RouteTable, stores: ServiceStores, logger: Logger, announce: @Sendable () -> Void
    ) {
        let logger = Logger(label: "jwt-auth") { configuration.logFormat.handler(label: $0, level: configuration.logLevel) }
        DataDirectoryCheck.warnIfShared(configuration.dataDirectory, logger: logger)
        let isNewDatabase = Self.isNewDatabase(configuration)
        let registry = MetricsExposition.registry
        let metrics = ServiceMetrics()
        let stores = try await ServiceStores.open(configuration, clock: clock, logger: logger)
        let keys: SigningKeys
        do {
            keys = try await SigningKeys.load(configuration, store: stores.keyStore, clock: clock)
        } catch {
            try? await stores.close()
            throw error
        }
        let announce: @Sendable () -> Void = { logFirstStart(configuration, isNewDatabase: isNewDatabase, keys: keys, logger: logger) }

        let encryptionKey: JWEKey?
        do {
            encryptionKey = try ServiceEncryptionKey.load(configuration.encryptionKeyFile)
        } catch {
            try? await stores.close()
            throw error
        }
        if let encryptionKey {
            logger.notice(
                "Tokens are nested JWTs encrypted with JWT_AUTH_ENCRYPTION_KEY; only such tokens are accepted",
                metadata: ["alg": "\(encryptionKey.algorithm)", "enc": "\(encryptionKey.encryption)"]
            )
        }
        let issuer = try TokenIssuer(
            key: keys.signingKey,
            configuration: configuration.tokens,
            clock: clock,
            claimsProvider: nil,
            encryptingTo: encryptionKey
        )
        // With a tracer, every store call of a request is traced; the verifier's revocation check too.
        let traced = stores.traced(configuration)
        let verifier = try TokenVerifier(
            keys: keys.verificationKeys,
            configuration: configuration.tokens,
            revocationStore: traced.revocations,
            cache: keys.signingKey.algorithm.isAsymmetric || encryptionKey != nil ? VerifiedTokenCache() : nil,
            clock: clock,
            decryptingWith: try encryptionKey.map { key throws(JWTAuthError) in try JWEDecrypter(key: key) }
        ).checkingSessions(in: traced.sessions)
        let manager = JWTManager(
            verifier: verifier,
            issuer: issuer,
            options: JWTManager.Options(locations: configuration.tokenLocations, cookies: JWTCookieConfiguration(secure: configuration.cookieSecure)),
            keySource: keys.source
        )

        let router = Router(context: BasicJWTRequestContext.self)
        let routes = RouteTable()
        // First, so that every other middleware and route runs inside the request's span; only with a tracer.
        if TraceExport.isTracing { router.add(middleware: RequestTracingMiddleware()) }
        if configuration.isAccessLogEnabled { router.add(middleware: AccessLogMiddleware()) }
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        if !configuration.corsOrigins.isEmpty {
            let csrfHeader = manager.options.cookies.csrfHeaderName
            router.add(middleware: CrossOriginMiddleware(origins: configuration.corsOrigins, routes: routes, csrfHeader: csrfHeader))
        }
        if configuration.isWebSiteEnabled { router.add(middleware: WebErrorPages(routes: routes)) }
        router.add(middleware: JWTErrorMiddleware(manager: manager, allowedMethods: { path in routes.methods(for: path) }))
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
            users: MeasuredUserStore(traced.users),
            sessions: MeasuredSessionStore(traced.sessions, metrics: metrics),
            revocations: MeasuredRevocationStore(traced.revocations, metrics: metrics),
            passwords: PasswordHasher(cost: configuration.bcryptCost, maximumWaiting: configuration.bcryptQueue),
            loginThrottler: stores.throttler(limit: configuration.loginAttempts, window: configuration.loginWindow, clock: clock),
            registrationThrottler: stores.throttler(limit: configuration.registerAttempts, window: configuration.loginWindow, clock: clock),
            isRegistrationOpen: configuration.isRegistrationOpen,
            logPseudonym: LogPseudonym(key: logKey),
            logger: logger
        )
        do {
            try await ServiceEncryptionKey.endSessionsIfChanged(
                encryptionKey,
                secrets: stores.secrets,
                accounts: service.accounts,
                isNewDatabase: isNewDatabase,
                logger: logger
            )
        } catch {
            try? await stores.close()
            throw error
        }
        var auth = JWTAuthRoutes<BasicJWTRequestContext>(manager: manager, service: service)
        auth.trustedProxies = configuration.trustedProxies
        auth.addRoutes(to: router.group("auth"))
        ServiceRoutes(manager: manager, keys: keys, stores: stores, registry: configuration.metricsAddress == nil ? registry : nil).addRoutes(
            to: router
        )
        GatewayRoutes(manager: manager, introspectionClients: configuration.introspectionClients).addRoutes(to: router)
        OpenAPIRoute.add(to: router)
        let apiRoutes = router.routes
        if configuration.isWebSiteEnabled {
            // Re-issue the access cookie when a minute (or a third of a short lifetime) is left.
            let refreshAhead = min(.seconds(60), configuration.tokens.accessTokenLifetime / 3)
            WebSite(auth: auth, cookieSecure: configuration.cookieSecure, implicitRefresh: refreshAhead).addRoutes(to: router)
        }
        let allRoutes = router.routes
        routes.record(allRoutes, web: allRoutes.filter { route in !apiRoutes.contains { $0.description == route.description } })
        return (router, routes, stores, logger, announce)
    }

    /// Whether the SQLite database is still to be made: the first start on this data directory.
    private static func isNewDatabase(_ configuration: AuthServerConfiguration) -> Bool {
        guard case .sqlite(let path) = configuration.database else { return false }
        return !FileManager.default.fileExists(atPath: path)
    }

    /// On a first start, where the data lives; whenever a signing key was generated, its `kid`.
    private static func logFirstStart(_ configuration: AuthServerConfiguration, isNewDatabase: Bool, keys: SigningKeys, logger: Logger) {
        if isNewDatabase, case .sqlite(let path) = configuration.database {
            let absolute = URL(filePath: path).standardizedFileURL.path
            logger.info("Created the database \(absolute)", metadata: ["path": "\(absolute)"])
        }
        if let kid = keys.generatedKeyID {
            let algorithm = keys.signingKey.algorithm.name
            let location = URL(filePath: configuration.dataDirectory + "/keys").standardizedFileURL.path
            let place = if case .postgres = configuration.database { "the database" } else { location }
            if let previous = keys.replacedAlgorithm?.name, previous != algorithm {
                // Tokens signed with the previous key keep verifying until it retires; new ones use the new key.
                let message =
                    "JWT_AUTH_ALGORITHM changed from \(previous) to \(algorithm): rotated to a new \(algorithm) signing key \(kid) "
                    + "in \(place); the \(previous) key verifies its tokens until it retires"
                logger.info(
                    "\(message)",
                    metadata: ["kid": "\(kid)", "alg": "\(algorithm)", "previous_alg": "\(previous)", "location": "\(place)"]
                )
            } else {
                logger.info(
                    "Generated a new \(algorithm) signing key \(kid) in \(place)",
                    metadata: ["kid": "\(kid)", "alg": "\(algorithm)", "location": "\(place)"]
                )
            }
        }
    }
}

/// A count of servers yet to listen, shared by their start callbacks.
private final class Countdown: Sendable {
    private let left: Mutex<Int>

    init(_ count: Int) { left = Mutex(count) }

    /// Counts one down; true for the call that reaches zero.
    func countDown() -> Bool {
        left.withLock { left in
            left -= 1
            return left == 0
        }
    }
}
