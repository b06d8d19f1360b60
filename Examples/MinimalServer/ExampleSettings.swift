import Foundation
import JWTAuth

/// The example's settings, read once from the environment at start-up.
struct ExampleSettings {
    /// `EXAMPLE_HOST`. Defaults to 127.0.0.1.
    let host: String
    /// `EXAMPLE_PORT`. Defaults to 8081.
    let port: Int
    /// `EXAMPLE_ALG`: HS256 or ES256. Defaults to HS256.
    let algorithm: SigningAlgorithm
    /// `EXAMPLE_SECRET`, the HS256 secret (at least 32 bytes). Defaults to a random 64-byte secret.
    let secret: String?
    /// `EXAMPLE_KEY_FILE`, the ES256 private key (PEM), made on first use. Defaults to a new key per run.
    let keyFile: String?
    /// `EXAMPLE_CACHE` (on/off): skip the ECDSA verification of a token seen before. Defaults to on.
    let cachesVerifiedTokens: Bool
    /// `EXAMPLE_BENCH_ROUTES` (on/off): add `GET /bench/p256`, no token, one raw P-256 verification per
    /// request, the baseline scripts/bench-http compares uncached ES256 with. Defaults to off.
    let benchRoutes: Bool

    init(environment: [String: String]) throws(JWTAuthError) {
        host = environment["EXAMPLE_HOST"] ?? "127.0.0.1"
        guard let port = Int(environment["EXAMPLE_PORT"] ?? "8081"), (0...65535).contains(port) else {
            throw .invalidConfiguration("EXAMPLE_PORT is not a port number")
        }
        guard let algorithm = SigningAlgorithm(name: environment["EXAMPLE_ALG"] ?? "HS256"), [.hs256, .es256].contains(algorithm) else {
            throw .invalidConfiguration("EXAMPLE_ALG must be HS256 or ES256")
        }
        guard let cache = ["on": true, "off": false][environment["EXAMPLE_CACHE"] ?? "on"] else {
            throw .invalidConfiguration("EXAMPLE_CACHE must be on or off")
        }
        guard let benchRoutes = ["on": true, "off": false][environment["EXAMPLE_BENCH_ROUTES"] ?? "off"] else {
            throw .invalidConfiguration("EXAMPLE_BENCH_ROUTES must be on or off")
        }
        (self.port, self.algorithm, cachesVerifiedTokens, self.benchRoutes) = (port, algorithm, cache, benchRoutes)
        secret = environment["EXAMPLE_SECRET"]
        keyFile = environment["EXAMPLE_KEY_FILE"]
    }

    /// The signing key. The `token` command and the server agree only on a key they both read:
    /// `EXAMPLE_SECRET` for HS256, `EXAMPLE_KEY_FILE` for ES256.
    func signingKey() throws -> JWTKey {
        guard algorithm == .es256 else {
            return try secret.map { try JWTKey.hmac(secret: $0) } ?? JWTKey.generate(.hs256)
        }
        var key = try JWTKey.generate(.es256)
        if let keyFile {
            if !FileManager.default.fileExists(atPath: keyFile) {
                // Private key material: readable by its owner only.
                let pem = Data((key.pemRepresentation ?? "").utf8)
                guard FileManager.default.createFile(atPath: keyFile, contents: pem, attributes: [.posixPermissions: 0o600]) else {
                    throw JWTAuthError.invalidConfiguration("EXAMPLE_KEY_FILE cannot be written")
                }
            }
            key = try JWTKey(pem: String(contentsOfFile: keyFile, encoding: .utf8))
        }
        return key.withKeyID(key.thumbprint)  // the RFC 7638 thumbprint, as `jwt-auth keys generate` names keys
    }
}
