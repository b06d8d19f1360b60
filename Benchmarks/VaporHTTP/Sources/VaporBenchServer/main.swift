// `VaporBenchServer token SECRET` prints an HS256 access token for `user-42`;
// `VaporBenchServer serve --hostname H --port P` serves, with BENCH_SECRET (HS256) or BENCH_KEY_FILE (an ES256
// PEM, verified through JWTAuth's verified-token cache) for /api/protected, and BENCH_SECRET for /api/vapor-jwt.
import Foundation
import JWT
import JWTAuthVapor
import Vapor

/// What vapor/jwt decodes: the claims our issuer writes that it checks.
struct BenchPayload: JWTPayload {
    var sub: SubjectClaim
    var exp: ExpirationClaim

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
    }
}

let arguments = CommandLine.arguments
if arguments.count >= 3, arguments[1] == "token" {
    let key: JWTAuth.JWTKey =
        if arguments[2].hasPrefix("-----BEGIN") || FileManager.default.fileExists(atPath: arguments[2]) {
            try JWTAuth.JWTKey(pem: try String(contentsOfFile: arguments[2], encoding: .utf8), algorithm: .es256)
        } else {
            try JWTAuth.JWTKey.hmac(secret: arguments[2])
        }
    print(try TokenIssuer(key: key).accessToken(for: "user-42").token)
    exit(0)
}

let environment = ProcessInfo.processInfo.environment
let ourKey: JWTAuth.JWTKey
var cache: VerifiedTokenCache? = nil
if let file = environment["BENCH_KEY_FILE"] {
    ourKey = try JWTAuth.JWTKey(pem: try String(contentsOfFile: file, encoding: .utf8), algorithm: .es256)
    cache = VerifiedTokenCache()
} else {
    ourKey = try JWTAuth.JWTKey.hmac(secret: environment["BENCH_SECRET"] ?? "")
}
let revocations = MemoryRevocationStore()
let verifier = try TokenVerifier(keys: JWTKeySet([ourKey.publicKey ?? ourKey]), revocationStore: revocations, cache: cache)

var env = try Environment.detect()
env = Environment(name: "production", arguments: env.arguments)
let app = try await Application.make(env)
app.logger.logLevel = .warning
app.middleware = Middlewares()
app.middleware.use(JWTErrorMiddleware())
app.jwtAuth.manager = JWTManager(verifier: verifier)
await app.jwt.keys.add(hmac: HMACKey(from: environment["BENCH_SECRET"] ?? ""), digestAlgorithm: .sha256)

app.get("health") { _ in ["status": "ok"] }
app.grouped(JWTAuthMiddleware(.required)).get("api", "protected") { req in ["user": try req.jwtAuth.identity.subject] }
app.get("api", "vapor-jwt") { req async throws -> [String: String] in
    ["user": try await req.jwt.verify(as: BenchPayload.self).sub.value]
}
do {
    try await app.execute()
} catch {
    try? await app.asyncShutdown()
    throw error
}
try await app.asyncShutdown()
