public import Hummingbird
public import JWTAuth
import Logging
public import Metrics

/// Everything a Hummingbird application needs to protect its routes with JWTs: Flask-JWT-Extended's
/// `JWTManager`. Make one at start-up and hand it to the middleware and routes.
///
/// The adapter's settings (Flask's `app.config["JWT_…"]`) are one ``Options`` value, taken by each
/// initializer and readable and settable afterwards, as a whole (``options``) or one by one
/// (``locations``, ``cookies``, ``errorHandlers``, …).
public struct JWTManager: Sendable {
    /// Loads the user a verified token speaks for (`user_lookup_loader`), untyped; nil means `user_not_found`.
    /// The typed form is ``middleware(_:context:user:)`` with a ``JWTUserRequestContext``.
    public typealias UserLoader = @Sendable (JWTIdentity) async throws -> (any Sendable)?
    /// Replaces the response for one error code (`expired_token_loader`, `invalid_token_loader`, …). It may
    /// look things up and return any `ResponseGenerator` (a `Response`, a `String`, an `EditedResponse`, a
    /// `ResponseEncodable` body); when it throws, the default JSON error response is sent instead.
    public typealias ErrorHandler = @Sendable (JWTAuthError, Request, any RequestContext) async throws -> any ResponseGenerator

    /// Verifies tokens; with a ``keySource``, its configuration, store, cache and clock are used with the
    /// source's current keys.
    public let verifier: TokenVerifier
    /// Keys that change while the application runs (a remote JWKS, a rotated key directory). Defaults to
    /// none: ``verifier``'s own keys.
    public let keySource: (any JWTKeySource)?
    /// Issues tokens, for implicit refresh and the auth routes. Defaults to none. With a ``keySource`` that is a
    /// ``JWTAuth/JWTSigningKeySource``, tokens are signed with the source's current key instead (``issuer(basedOn:)``).
    public let issuer: TokenIssuer?
    /// The adapter's settings: where tokens are looked for, cookies, the realm, loaders and error handlers.
    public var options: Options
    /// The counters and timer of token checks, made from the `metricsFactory` given to `init`
    /// (defaults to `MetricsSystem.factory`).
    let metrics: JWTMetrics
    /// The verifier built for the key source's latest keys.
    package let sourcedVerifier = SourcedVerifier()
    /// The issuer built for a signing key source's latest key.
    let sourcedIssuer = SourcedIssuer()

    /// A manager verifying with `verifier` and, when given, issuing with `issuer`, with the settings of `options`.
    public init(
        verifier: TokenVerifier,
        issuer: TokenIssuer? = nil,
        options: Options = Options(),
        metricsFactory: any MetricsFactory = MetricsSystem.factory,
        keySource: (any JWTKeySource)? = nil
    ) {
        self.verifier = verifier
        self.keySource = keySource
        self.issuer = issuer
        self.options = options
        self.metrics = JWTMetrics(factory: metricsFactory)
    }

    /// The response for `error` in a request: the application's handler for its code, or (without one, or when
    /// the handler throws) the JSON body `{"error": code, "msg": message}` with its status.
    public func response(for error: JWTAuthError, request: Request, context: some RequestContext) async -> Response {
        guard let handler = errorHandlers[error.code] else { return error.response(realm: realm) }
        do {
            return try await handler(error, request, context).response(from: request, context: context)
        } catch let failure {
            context.logger.error("An error handler failed", metadata: ["jwt.error": "\(error.code)", "error.type": "\(type(of: failure))"])
            return error.response(realm: realm)
        }
    }

    /// Middleware for routes that need `requirement`.
    public func middleware<Context: JWTRequestContext>(
        _ requirement: JWTRequirement = .required,
        context: Context.Type = Context.self
    ) -> JWTRequiredMiddleware<Context> {
        JWTRequiredMiddleware(manager: self, requirement: requirement)
    }
}
