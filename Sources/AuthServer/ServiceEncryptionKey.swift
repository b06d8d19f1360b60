import Crypto
import Foundation
import JWTAuth
import JWTAuthService
import Logging

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

extension ServiceEncryptionKey {
    /// The name under which the database records which encryption the last start used.
    static let recordName = "token-encryption"

    /// What the database records of `key`: a hash of its RFC 7638 thumbprint, or of "none" (never the key).
    static func record(of key: JWEKey?) -> [UInt8] {
        Array(SHA256.hash(data: Array((key.map { "nested " + $0.thumbprint } ?? "none").utf8)))
    }

    /// Ends every session when the encryption differs from the last start's (turned on, turned off, or another
    /// key): a token of the other kind is refused anyway, and ending the sessions in the stores keeps them from
    /// coming back should the setting return. Logs what changed. A database that never recorded it counts as
    /// unencrypted. Should ending the sessions fail, the old record is put back and the start fails, so that the
    /// next start tries again.
    static func endSessionsIfChanged(
        _ key: JWEKey?,
        secrets: any InstallationSecretStore,
        accounts: AccountService,
        isNewDatabase: Bool,
        logger: Logger
    ) async throws {
        let (current, none) = (record(of: key), record(of: nil))
        let previous = try await secrets.exchangeInstallationValue(named: recordName, with: current) ?? none
        guard previous != current, !isNewDatabase else { return }
        let ended: Int
        do {
            ended = try await accounts.endEverySession()
        } catch {
            _ = try? await secrets.exchangeInstallationValue(named: recordName, with: previous)
            throw error
        }
        let change =
            previous == none ? "was turned on" : current == none ? "was turned off" : "names another key"
        logger.notice(
            "\(setting) \(change) since the last start: every session has ended",
            metadata: ["users": "\(ended)"]
        )
    }
}
