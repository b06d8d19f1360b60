public import JWTAuth
public import Logging

/// The auth domain, framework-free: registration, login, fresh login, refresh with rotation and reuse
/// detection, logout, logout everywhere, password change, disabling users. Every front (the Hummingbird
/// routes, the web site, the command line, another framework's adapter) decodes a request, calls one of
/// these operations, and encodes its result; the rules live here once.
///
/// Each operation throws `JWTAuthError` for what the client did (`bad_request`, `invalid_credentials`,
/// `rate_limited`, `token_revoked`, …) and passes on a store's own error when a store cannot answer
/// (fronts answer 503 `unavailable`).
public struct AuthService: Sendable {
    /// The issuer whose configuration (lifetimes) and clock the service follows.
    public let issuer: TokenIssuer
    /// Verifies refresh tokens handed to ``logout(access:refreshToken:)``.
    public let verifier: TokenVerifier
    public let users: any UserStore
    public let sessions: any SessionStore
    public let revocations: any RevocationStore
    public let passwords: PasswordHasher
    /// Login throttling by username and client address; nil turns it off.
    public var loginThrottler: LoginThrottler?
    /// Registration throttling by client address (every attempt counts); nil turns it off.
    public var registrationThrottler: LoginThrottler?
    /// Whether ``register(username:password:clientAddress:)`` creates users. Defaults to true.
    public var isRegistrationOpen: Bool
    /// The roles a registered user starts with. Defaults to none.
    public var defaultRoles: [String]
    /// The keyed hash under which failed logins log the username. Defaults to a key of this process;
    /// give one kept per installation (``JWTAuth/InstallationSecretStore``) so that logs agree across restarts.
    public var logPseudonym: LogPseudonym
    /// Where the service logs (failed logins, refresh-token reuse).
    public var logger: Logger
    /// The issuer that signs now: ``issuer``, or one with a rotated key. Defaults to ``issuer``.
    public var signer: @Sendable () async throws -> TokenIssuer

    /// The service over the given stores; `verifier` must consult `revocations`.
    public init(
        issuer: TokenIssuer,
        verifier: TokenVerifier,
        users: any UserStore,
        sessions: any SessionStore,
        revocations: any RevocationStore,
        passwords: PasswordHasher,
        loginThrottler: LoginThrottler? = nil,
        registrationThrottler: LoginThrottler? = nil,
        isRegistrationOpen: Bool = true,
        defaultRoles: [String] = [],
        logPseudonym: LogPseudonym = LogPseudonym(),
        logger: Logger = Logger(label: "jwt-auth")
    ) {
        self.issuer = issuer
        self.verifier = verifier
        self.users = users
        self.sessions = sessions
        self.revocations = revocations
        self.passwords = passwords
        self.loginThrottler = loginThrottler
        self.registrationThrottler = registrationThrottler
        self.isRegistrationOpen = isRegistrationOpen
        self.defaultRoles = defaultRoles
        self.logPseudonym = logPseudonym
        self.logger = logger
        self.signer = { [issuer] in issuer }
    }

    /// The session rules over the service's stores.
    public var userSessions: UserSessions {
        UserSessions(
            sessions: sessions,
            revocations: revocations,
            refreshTokenLifetime: issuer.configuration.refreshTokenLifetime,
            clock: issuer.clock
        )
    }

    /// This service logging to `logger` (a request's, with its request id).
    public func logging(to logger: Logger) -> AuthService {
        var service = self
        service.logger = logger
        return service
    }

    /// The access token lifetime in whole seconds (`expires_in`).
    public var accessTokenLifetime: Int { Int(issuer.configuration.accessTokenLifetime.components.seconds) }
}
