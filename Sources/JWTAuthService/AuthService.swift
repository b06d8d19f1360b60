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
    /// The accounts the service works on: its user, session and revocation stores, its password hasher and
    /// the rules that need no token (creating, renaming, disabling, deleting users, changing passwords).
    public private(set) var accounts: AccountService
    /// Login throttling by username and client address; nil turns it off.
    public var loginThrottler: (any LoginThrottling)?
    /// Registration throttling by client address (every attempt counts); nil turns it off.
    public var registrationThrottler: (any LoginThrottling)?
    /// Whether ``register(username:password:clientAddress:)`` creates users. Defaults to true.
    public var isRegistrationOpen: Bool
    /// The keyed hash under which failed logins log the username. Defaults to a key of this process;
    /// give one kept per installation (``JWTAuth/InstallationSecretStore``) so that logs agree across restarts.
    public var logPseudonym: LogPseudonym
    /// Where the service logs (failed logins, refresh-token reuse).
    public var logger: Logger
    /// The issuer that signs now: ``issuer``, or one with a rotated key. Defaults to ``issuer``.
    public var signer: @Sendable () async throws -> TokenIssuer
    /// Claims added to every token the service issues for a user (login, fresh login, refresh), loaded from
    /// the user as stored at that moment: Flask-JWT-Extended's `additional_claims_loader`. The value's members
    /// go beside `roles`, encoded as ``JWTAuth/TokenIssuer`` encodes any `Encodable` claims (a `Date` as a
    /// NumericDate, a `nil` optional left out); a `nil` value adds none. Defaults to none.
    ///
    /// A member named like a claim the service writes (`sub`, `exp`, `jti`, `type`, `sid`, `fresh`, `csrf`,
    /// `roles`, a configured `iss` or `aud`, …) is refused with `invalid_configuration`, never written over
    /// the service's. A `JWTAuthError` the loader throws reaches the caller as it is (`forbidden` refuses the
    /// login); any other error becomes `unavailable`.
    public var additionalClaims: (@Sendable (UserRecord) async throws -> (any Encodable & Sendable)?)?

    /// The service over the given stores; `verifier` must consult `revocations`. The service checks the refresh
    /// tokens it verifies against `sessions` (``JWTAuth/TokenVerifier/checkingSessions(in:)``).
    public init(
        issuer: TokenIssuer,
        verifier: TokenVerifier,
        users: any UserStore,
        sessions: any SessionStore,
        revocations: any RevocationStore,
        passwords: PasswordHasher,
        loginThrottler: (any LoginThrottling)? = nil,
        registrationThrottler: (any LoginThrottling)? = nil,
        isRegistrationOpen: Bool = true,
        defaultRoles: [String] = [],
        logPseudonym: LogPseudonym = LogPseudonym(),
        logger: Logger = Logger(label: "jwt-auth")
    ) {
        self.issuer = issuer
        // Refresh tokens it verifies itself (the one a logout names) are checked against the sessions.
        self.verifier = verifier.sessionStore == nil ? verifier.checkingSessions(in: sessions) : verifier
        self.accounts = AccountService(
            users: users,
            sessions: sessions,
            revocations: revocations,
            passwords: passwords,
            defaultRoles: defaultRoles,
            tokens: issuer.configuration,
            clock: issuer.clock
        )
        self.loginThrottler = loginThrottler
        self.registrationThrottler = registrationThrottler
        self.isRegistrationOpen = isRegistrationOpen
        self.logPseudonym = logPseudonym
        self.logger = logger
        self.signer = { [issuer] in issuer }
    }

    public var users: any UserStore { accounts.users }
    public var sessions: any SessionStore { accounts.sessions }
    public var revocations: any RevocationStore { accounts.revocations }
    public var passwords: PasswordHasher { accounts.passwords }

    /// The roles a registered user starts with. Defaults to none.
    public var defaultRoles: [String] {
        get { accounts.defaultRoles }
        set { accounts.defaultRoles = newValue }
    }

    /// The session rules over the service's stores.
    public var userSessions: UserSessions { accounts.userSessions }

    /// This service logging to `logger` (a request's, with its request id).
    public func logging(to logger: Logger) -> AuthService {
        var service = self
        service.logger = logger
        return service
    }

    /// The access token lifetime in whole seconds (`expires_in`).
    public var accessTokenLifetime: Int { Int(issuer.configuration.accessTokenLifetime.components.seconds) }
}
