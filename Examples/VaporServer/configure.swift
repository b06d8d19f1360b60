#if Vapor
import JWTAuthVapor
import Vapor

/// The example's application: in-memory users and revocations, an HS256 key from `JWT_SECRET` (or a new
/// one per start), `/auth/*`, `GET /api/protected` and `GET /health`.
func configure(_ app: Application) async throws {
    let key =
        if let secret = Environment.get("JWT_SECRET") {
            try JWTKey.hmac(secret: secret)
        } else {
            try JWTKey.generate(.hs256)
        }
    let users = MemoryUserStore()
    let revocations = MemoryRevocationStore()
    let issuer = try TokenIssuer(key: key)
    let verifier = try TokenVerifier(keys: JWTKeySet([key]), revocationStore: revocations)
    let service = AuthService(
        issuer: issuer,
        verifier: verifier,
        users: users,
        sessions: users,
        revocations: revocations,
        passwords: PasswordHasher()
    )
    let manager = JWTManager(verifier: verifier, issuer: issuer)

    app.middleware = Middlewares()
    app.middleware.use(JWTErrorMiddleware())
    app.jwtAuth.manager = manager
    app.jwtAuth.service = service
    app.lifecycle.use(JWTAuthLifecycle(requireService: true))

    app.get("health") { _ in ["status": "ok"] }
    try app.grouped("auth").register(collection: JWTAuthRouteCollection(manager: manager, service: service))
    app.grouped("api").grouped(JWTAuthMiddleware(.required)).get("protected") { req in
        ["user": try req.jwtAuth.identity.subject]
    }
}
#endif
