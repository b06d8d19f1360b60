import Foundation
import JWTAuth

/// The key of `JWT_AUTH_ENCRYPTION_KEY`: every token the service issues is encrypted to it (a nested JWT).
///
/// 32 raw bytes, or a symmetric JWK, give `dir` with `A256GCM`; an EC (P-256, P-384, P-521) or X25519 key gives
/// `ECDH-ES+A256KW` with `A256GCM`; an RSA key `RSA-OAEP-256` with `A256GCM`. The key is never published.
enum ServiceEncryptionKey {
    static let setting = "JWT_AUTH_ENCRYPTION_KEY"

    /// The key in the file at `path`, or nil without one. - Throws: ``ConfigurationError`` naming the setting.
    static func load(_ path: String?) throws(ConfigurationError) -> JWEKey? {
        guard let path else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(setting: setting, message: "cannot read \(path)")
        }
        let key: JWEKey
        do {
            key = try parse(Array(data))
        } catch {
            throw ConfigurationError(setting: setting, message: error.message)
        }
        guard key.canDecrypt else {
            throw ConfigurationError(setting: setting, message: "the key is a public key; the private key is needed to decrypt")
        }
        return key
    }

    private static func parse(_ bytes: [UInt8]) throws(JWTAuthError) -> JWEKey {
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("{") {
            let key = try JWEKey(jwk: text, encryption: .a256GCM)
            guard key.keyType != "oct" || key.algorithm == .dir else { throw .invalidKey("a symmetric key must be a dir key") }
            return key
        }
        if text.contains("-----BEGIN") { return try JWEKey(pem: text) }
        guard bytes.count == 32 else {
            throw .invalidKey("a raw key must be exactly 32 bytes (dir with A256GCM), not \(bytes.count); or give a JWK or a PEM")
        }
        return try JWEKey.symmetric(bytes, algorithm: .dir, encryption: .a256GCM)
    }
}
