public import JWTAuth
import Logging
import Tracing

extension AuthService {
    /// Creates a user: the rules of ``Credentials`` for new names and passwords, a slot of the registration
    /// throttle taken before bcrypt runs (kept: every attempt counts), bcrypt on the hasher's pool, the
    /// store's atomic uniqueness.
    /// - Throws: `forbidden` (registration closed), `bad_request`, `rate_limited`, `conflict`,
    ///   `unavailable` (bcrypt's queue is full), or a store's error. Traced as a span `register`.
    public func register(username rawUsername: String, password rawPassword: String, clientAddress: String) async throws -> UserRecord {
        try await ServiceSpan.run("register") { span in
            let user = try await createAccount(username: rawUsername, password: rawPassword, clientAddress: clientAddress)
            span.attributes["user.id"] = user.id
            return user
        }
    }

    private func createAccount(username rawUsername: String, password rawPassword: String, clientAddress: String) async throws -> UserRecord {
        guard isRegistrationOpen else { throw JWTAuthError.forbidden("Registration is closed") }
        // Checked before the throttle: a refused name or password takes no slot.
        let credentials = try AccountService.newCredentials(username: rawUsername, password: rawPassword)
        let reservation = try await Self.reserve(["ip:" + clientAddress], with: registrationThrottler)
        // Whatever the outcome, the attempt counts for the window.
        do {
            let user = try await accounts.insert(credentials, roles: nil)
            if let reservation { await registrationThrottler?.failed(reservation) }
            return user
        } catch {
            if let reservation { await registrationThrottler?.failed(reservation) }
            throw error
        }
    }

    /// Checks a username and password: the rules of ``Credentials`` for presented credentials, throttling,
    /// bcrypt on the hasher's pool, the same work and answer for an unknown user and a wrong password.
    ///
    /// The attempt takes its throttling slots (the username's and the address's) before bcrypt runs: of any
    /// number of concurrent guesses, at most the throttler's limit reach bcrypt.
    /// - Throws: `bad_request` (what can never be a stored name or password), `rate_limited` (with
    ///   `retryAfter`), `invalid_credentials`, `forbidden` (disabled), `unavailable` (bcrypt's queue is
    ///   full), or a store's error.
    public func checkCredentials(username rawUsername: String, password rawPassword: String, clientAddress: String) async throws -> UserRecord {
        // The name is looked up by its case-mapped key, not refused by the rules for new names: a name
        // registered before them still logs in, and one that matches nobody is a wrong credential like any
        // other.
        let username = try Credentials.presentedUsername(rawUsername)
        let password = try Credentials.presentedPassword(rawPassword)
        let userKey = "user:" + Credentials.comparisonKey(username)
        let reservation = try await Self.reserve([userKey, "ip:" + clientAddress], with: loginThrottler)
        let user: UserRecord?
        let matches: Bool
        do {
            user = try await users.user(named: username)
            matches = try await passwords.verify(password, hash: user?.passwordHash)
        } catch {
            // Not a failed guess: a store or the hasher's queue. The slots are free again.
            if let reservation { await loginThrottler?.released(reservation) }
            throw error
        }
        guard matches, let user else {
            if let reservation { await loginThrottler?.failed(reservation) }
            logger.info(
                "Login failed",
                metadata: ["username.pseudonym": "\(logPseudonym(Credentials.comparisonKey(username)))", "client.address": "\(clientAddress)"]
            )
            throw JWTAuthError.invalidCredentials
        }
        if let reservation {
            await loginThrottler?.released(reservation)
            await loginThrottler?.forgive(userKey)
        }
        guard !user.isDisabled else { throw JWTAuthError.forbidden("The account is disabled") }
        return user
    }

    /// The user with id `subject` (`/auth/me`).
    /// - Throws: `user_not_found`, or a store's error.
    public func currentUser(_ subject: String) async throws -> UserRecord {
        try await accounts.user(id: subject)
    }

    /// Replaces the user's password and ends every other session of the user (`current` is the session of
    /// the request, revoked too).
    /// - Throws: `bad_request` (the rules for new passwords, naming `field`), `user_not_found`,
    ///   `unavailable` (bcrypt's queue is full), or a store's error.
    public func changePassword(of subject: String, to newPassword: String, field: String = "new_password", current: String?) async throws {
        try await accounts.changePassword(of: subject, to: newPassword, field: field, current: current)
    }

    /// Disables (or enables) the user `id`; disabling ends every session of the user at once.
    public func setDisabled(_ isDisabled: Bool, user id: String) async throws {
        try await accounts.setDisabled(isDisabled, user: id)
    }

    /// A slot for each of `keys`, or `rate_limited`; nil without a throttler.
    /// - Throws: `rate_limited`, or `unavailable` when the throttler cannot count the attempt (fail closed).
    static func reserve(_ keys: [String], with throttler: (any LoginThrottling)?) async throws(JWTAuthError) -> LoginThrottle.Reservation? {
        guard let throttler else { return nil }
        let decision: LoginThrottle.Decision
        do {
            decision = try await throttler.reserve(keys)
        } catch {
            throw .unavailable("Login throttling is unavailable")
        }
        switch decision {
        case .allow(let reservation): return reservation
        case .reject(let retryAfter): throw .rateLimited(retryAfter: retryAfter)
        }
    }
}
