import Crypto
import Foundation
import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import NIOCore

/// The example server: `/health` open, `/api/protected` behind an access token, `/api/admin` also
/// behind the role `admin`, `/api/logout` revoking the token it was called with, and the demo
/// `POST /token`. `main.swift` runs it; the tests run the same application.
func buildApplication(_ settings: ExampleSettings, _ issuer: TokenIssuer) throws -> some ApplicationProtocol {
    // Revocations are consulted on every request: a revoked `jti` or `sid` is refused at once.
    let store = MemoryRevocationStore()
    let verifier = try TokenVerifier(
        keys: JWTKeySet([issuer.key.publicKey ?? issuer.key]),  // verifying needs only the public key
        revocationStore: store,
        cache: settings.algorithm.isAsymmetric && settings.cachesVerifiedTokens ? VerifiedTokenCache() : nil
    )
    let manager = JWTManager(verifier: verifier, issuer: issuer)

    let router = Router(context: BasicJWTRequestContext.self)
    // First, so that every error, ours or Hummingbird's, answers {"error": code, "msg": message}.
    router.add(middleware: JWTErrorMiddleware(manager: manager))
    router.get("/health") { _, _ in ["status": "ok"] }
    if settings.benchRoutes { try addBenchRoutes(router) }

    // DEMO ONLY: hands anyone a token pair for any subject and roles. A real application checks a
    // password first (see the auth routes of `jwt-auth serve`).
    router.post("/token") { request, context in
        let body = try await request.decode(as: TokenRequest.self, context: context)
        let roles = JSONValue.array((body.roles ?? []).map(JSONValue.string))
        return TokenResponse(try issuer.tokenPair(for: body.sub, claims: ["roles": roles]))
    }

    // `@jwt_required()`: every route of the group needs a valid, unrevoked access token.
    let api = router.group("/api").add(middleware: manager.middleware(.required))
    api.get("/protected") { _, context in ["user": try context.requireJWT().subject] }
    api.group("/admin").add(middleware: RoleRequiredMiddleware("admin"))
        .get { _, context in ["user": try context.requireJWT().subject, "role": "admin"] }
    api.post("/logout") { _, context in
        // Revoke this access token until it would have expired anyway.
        let claims = try context.requireJWT().claims
        await store.revoke(tokenID: claims.id ?? "", until: claims.expiresAt ?? 0)
        return Response(status: .noContent)
    }

    // Hummingbird's logger reads its level from LOG_LEVEL.
    return Application(
        router: router,
        configuration: .init(address: .hostname(settings.host, port: settings.port)),
        onServerRunning: { channel in
            // With EXAMPLE_PORT=0 the system picks the port: say which, for scripts and tests.
            let port = channel.localAddress?.port ?? settings.port
            FileHandle.standardOutput.write(Data("jwt-auth-example listening on \(settings.host):\(port)\n".utf8))
        }
    )
}

/// `GET /bench/p256`: /health plus one raw P-256 verification (what an uncached ES256 token costs at
/// least), without JWTAuth, for scripts/bench-http.
func addBenchRoutes(_ router: Router<BasicJWTRequestContext>) throws {
    let privateKey = P256.Signing.PrivateKey()
    let publicKey = privateKey.publicKey
    let message = Array("bench-http signing input".utf8)
    let signature = try privateKey.signature(for: message)
    router.get("/bench/p256") { _, _ in
        guard publicKey.isValidSignature(signature, for: message) else { throw HTTPError(.internalServerError) }
        return ["status": "ok"]
    }
}

/// The body of `POST /token`.
struct TokenRequest: Decodable {
    let sub: String
    let roles: [String]?
}

/// What `POST /token` answers, in the shape of Flask-JWT-Extended examples.
struct TokenResponse: ResponseEncodable {
    let accessToken: String
    let refreshToken: String
    let tokenType = "Bearer"
    let expiresIn: Int

    init(_ pair: TokenPair) {
        accessToken = pair.access.token
        refreshToken = pair.refresh.token
        expiresIn = Int(pair.access.expiresAt - (pair.access.claims.issuedAt ?? 0))
    }

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case refreshToken = "refresh_token"
        case tokenType = "token_type"
        case expiresIn = "expires_in"
    }
}
