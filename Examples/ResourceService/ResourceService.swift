import Foundation
import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import JWTAuthJWKS
import Logging

/// A resource server protected by tokens from `jwt-auth serve`, knowing only the issuer's JWKS URL.
///
/// Settings (environment):
/// - `JWKS_URL` (required): e.g. `https://auth.example.com/.well-known/jwks.json`.
/// - `ISSUER`, `AUDIENCE`: required of tokens when set.
/// - `ALLOW_INSECURE_LOOPBACK=true`: accept an `http://` JWKS URL on a loopback host.
/// - `JWKS_COOLDOWN`: seconds between fetches caused by an unknown `kid` (default 30).
/// - `JWKS_TIMEOUT`: seconds one fetch may take (default 5).
/// - `HOST`, `PORT`: where to listen (default 127.0.0.1:8081; port 0 picks one and prints it).
@main
struct ResourceService {
    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let jwksURL = environment["JWKS_URL"].flatMap(URL.init(string:)) else {
            FileHandle.standardError.write(Data("JWKS_URL: set it to the issuer's JWKS URL\n".utf8))
            exit(2)
        }
        var logger = Logger(label: "resource-service")
        logger.logLevel = environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        var jwks = JWKSClientConfiguration(allowsInsecureLoopback: environment["ALLOW_INSECURE_LOOPBACK"] == "true")
        if let cooldown = environment["JWKS_COOLDOWN"].flatMap(Int64.init) { jwks.cooldown = .seconds(cooldown) }
        if let timeout = environment["JWKS_TIMEOUT"].flatMap(Int64.init) { jwks.requestTimeout = .seconds(timeout) }
        let client = try JWKSClient(url: jwksURL, configuration: jwks, logger: logger)
        let tokens = TokenConfiguration(issuer: environment["ISSUER"], audience: environment["AUDIENCE"])
        let app = try ResourceRoutes.application(
            keys: client,
            tokens: tokens,
            host: environment["HOST"] ?? "127.0.0.1",
            port: environment["PORT"].flatMap(Int.init) ?? 8081,
            logger: logger
        )
        try await app.runService()
    }
}
