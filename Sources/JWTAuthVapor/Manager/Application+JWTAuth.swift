#if Vapor
public import JWTAuth
public import JWTAuthService
public import Vapor

extension Application {
    /// The application's ``JWTManager`` and `AuthService`, kept in `Application.storage`.
    public var jwtAuth: JWTAuthApplication { JWTAuthApplication(application: self) }
}

/// `app.jwtAuth`: the ``JWTManager`` that ``JWTAuthMiddleware`` uses when given none, and the
/// `AuthService` behind ``JWTAuthRouteCollection`` and ``JWTUserMiddleware/authService``.
public struct JWTAuthApplication: Sendable {
    let application: Application

    /// The manager of the application's protected routes.
    public var manager: JWTManager? {
        get { application.storage[ManagerKey.self] }
        nonmutating set { application.storage[ManagerKey.self] = newValue }
    }

    /// The auth domain: registration, login, refresh, logout, password change.
    public var service: AuthService? {
        get { application.storage[ServiceKey.self] }
        nonmutating set { application.storage[ServiceKey.self] = newValue }
    }

    /// ``manager``. - Throws: `invalid_configuration` when none is set.
    public func requireManager() throws(JWTAuthError) -> JWTManager {
        guard let manager else { throw .invalidConfiguration("app.jwtAuth.manager is not set") }
        return manager
    }

    /// ``service``. - Throws: `invalid_configuration` when none is set.
    public func requireService() throws(JWTAuthError) -> AuthService {
        guard let service else { throw .invalidConfiguration("app.jwtAuth.service is not set") }
        return service
    }

    struct ManagerKey: StorageKey {
        typealias Value = JWTManager
    }

    struct ServiceKey: StorageKey {
        typealias Value = AuthService
    }
}

/// Checks at boot that the application has a ``JWTManager`` (and, with `requireService`, an `AuthService`),
/// so that a missing one stops start-up instead of failing every request:
/// `app.lifecycle.use(JWTAuthLifecycle())`.
public struct JWTAuthLifecycle: LifecycleHandler {
    /// Whether an `AuthService` must be set too. Defaults to false.
    public var requireService: Bool

    public init(requireService: Bool = false) {
        self.requireService = requireService
    }

    public func willBoot(_ application: Application) throws {
        _ = try application.jwtAuth.requireManager()
        if requireService { _ = try application.jwtAuth.requireService() }
    }
}
#endif
