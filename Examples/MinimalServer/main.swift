// A minimal Hummingbird 2 server protected by JWTAuth: `swift run jwt-auth-example`, settings in
// ExampleSettings.swift. `jwt-auth-example token --sub user-42` prints an access token the server accepts.
import Crypto
import Foundation
import Hummingbird
import JWTAuth
import JWTAuthHummingbird

do {
    let settings = try ExampleSettings(environment: ProcessInfo.processInfo.environment)
    let issuer = try TokenIssuer(key: try settings.signingKey())
    let arguments = Array(CommandLine.arguments.dropFirst())
    switch arguments.first {
    case "token":
        let subject = arguments.firstIndex(of: "--sub").flatMap { arguments.dropFirst($0 + 1).first } ?? "user-42"
        print(try issuer.accessToken(for: subject).token)
    case "bench-p256":  // hidden: the raw cost of one ES256 verification, for scripts/bench-http
        try benchP256(issuer, iterations: arguments.dropFirst().first.flatMap { Int($0) } ?? 5000)
    default:
        try await serve(settings, issuer)
    }
} catch {
    // JWTAuth's errors name what is wrong, never a secret or a token.
    FileHandle.standardError.write(Data("jwt-auth-example: \(error)\n".utf8))
    exit(1)
}

func serve(_ settings: ExampleSettings, _ issuer: TokenIssuer) async throws {
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

    let app = Application(router: router, configuration: .init(address: .hostname(settings.host, port: settings.port)))
    try await app.runService()
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

/// Times `P256.Signing.PublicKey.isValidSignature` over a real token's signing input; prints ns/op.
func benchP256(_ issuer: TokenIssuer, iterations: Int) throws {
    let privateKey = P256.Signing.PrivateKey()
    let publicKey = privateKey.publicKey
    let parts = try issuer.accessToken(for: "user-42").token.split(separator: ".")
    let message = Array("\(parts[0]).\(parts[1])".utf8)
    let signature = try privateKey.signature(for: message)
    var valid = 0
    let elapsed = ContinuousClock().measure {
        for _ in 0..<iterations where publicKey.isValidSignature(signature, for: message) { valid += 1 }
    }
    precondition(valid == iterations, "a valid signature failed to verify")
    let perOperation = elapsed / iterations
    print("\(perOperation.components.seconds * 1_000_000_000 + perOperation.components.attoseconds / 1_000_000_000) ns/op")
}
