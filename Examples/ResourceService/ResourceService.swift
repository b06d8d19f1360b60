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
/// - `ENCRYPTION_KEY`: the file `jwt-auth serve` has as `JWT_AUTH_ENCRYPTION_KEY` (32 raw bytes, a JWK or a PEM):
///   tokens are then nested JWTs, decrypted with it, and only those are accepted.
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
        var decrypter: JWEDecrypter? = nil
        if let path = environment["ENCRYPTION_KEY"] {
            do {
                decrypter = try JWEDecrypter(key: try encryptionKey(Array(try Data(contentsOf: URL(fileURLWithPath: path)))))
            } catch {
                FileHandle.standardError.write(Data("ENCRYPTION_KEY: \(error)\n".utf8))
                exit(2)
            }
        }
        let app = try ResourceRoutes.application(
            keys: client,
            tokens: tokens,
            decrypter: decrypter,
            host: environment["HOST"] ?? "127.0.0.1",
            port: environment["PORT"].flatMap(Int.init) ?? 8081,
            logger: logger
        )
        try await app.runService()
    }

    /// The key of an `ENCRYPTION_KEY` file: a JWK, a PEM, or else exactly 32 raw bytes (`dir` with `A256GCM`).
    static func encryptionKey(_ bytes: [UInt8]) throws -> JWEKey {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{") { return try JWEKey(jwk: text, encryption: .a256GCM) }
        if text.contains("-----BEGIN") { return try JWEKey(pem: text) }
        return try JWEKey.symmetric(bytes, algorithm: .dir, encryption: .a256GCM)
    }
}
