import Foundation
public import JWTAuth

/// The service's keys: the one it signs with, and every key whose tokens it still accepts.
///
/// With no secret and no key file, keys live in `<data dir>/keys/` as `key-<kid>.pem` (mode 0600, the
/// directory 0700), `kid` being the RFC 7638 thumbprint; `keys/current` names the signing key. The
/// first start generates one, every later start reuses it.
public struct SigningKeys: Sendable {
    /// Signs new tokens.
    public let signingKey: JWTKey
    /// Verifies tokens: the public halves (or the HMAC secret).
    public let verificationKeys: JWTKeySet

    /// Loads or creates the keys `configuration` asks for.
    /// - Throws: ``ConfigurationError`` naming the setting at fault.
    public static func load(_ configuration: AuthServerConfiguration) throws(ConfigurationError) -> SigningKeys {
        if let secret = configuration.secret {
            let key: JWTKey
            do {
                key = try JWTKey.hmac(secret: secret, algorithm: configuration.algorithm ?? .hs256, allowWeakSecret: configuration.allowWeakSecret)
            } catch {
                let hint = configuration.allowWeakSecret ? "" : " (set JWT_AUTH_ALLOW_WEAK_SECRET=true to allow a short secret)"
                throw ConfigurationError(setting: "JWT_AUTH_SECRET", message: error.message + hint)
            }
            return try make(key, setting: "JWT_AUTH_SECRET")
        }
        if let path = configuration.keyFile {
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw ConfigurationError(setting: "JWT_AUTH_KEY_FILE", message: "cannot read \(path)")
            }
            let key: JWTKey
            do {
                key = try Self.parse(text, algorithm: configuration.algorithm, allowWeakSecret: configuration.allowWeakSecret)
            } catch {
                throw ConfigurationError(setting: "JWT_AUTH_KEY_FILE", message: error.message)
            }
            guard key.canSign else {
                throw ConfigurationError(setting: "JWT_AUTH_KEY_FILE", message: "the key is a public key; a private key is needed to sign")
            }
            return try make(key.keyID == nil && key.algorithm.isAsymmetric ? key.withKeyID(key.thumbprint) : key, setting: "JWT_AUTH_KEY_FILE")
        }
        return try generated(configuration)
    }

    /// A key from PEM or JWK text.
    static func parse(_ text: String, algorithm: SigningAlgorithm?, allowWeakSecret: Bool) throws(JWTAuthError) -> JWTKey {
        if text.drop(while: \.isWhitespace).hasPrefix("{") {
            return try JWTKey(jwk: text, algorithm: algorithm, allowWeakSecret: allowWeakSecret)
        }
        return try JWTKey(pem: text, algorithm: algorithm)
    }

    private static func make(_ key: JWTKey, setting: String) throws(ConfigurationError) -> SigningKeys {
        do {
            return SigningKeys(signingKey: key, verificationKeys: try JWTKeySet([key.publicKey ?? key]))
        } catch {
            throw ConfigurationError(setting: setting, message: error.message)
        }
    }

    /// The keys in `<data dir>/keys/`, generating the first one.
    private static func generated(_ configuration: AuthServerConfiguration) throws(ConfigurationError) -> SigningKeys {
        let algorithm = configuration.algorithm ?? .es256
        let directory = configuration.dataDirectory + "/keys"
        func fail(_ message: String) -> ConfigurationError { ConfigurationError(setting: "JWT_AUTH_DATA_DIR", message: message) }
        let files = FileManager.default
        do {
            try files.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            try files.createDirectory(atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw fail("cannot create \(directory)")
        }
        var keys: [JWTKey] = []
        for name in ((try? files.contentsOfDirectory(atPath: directory)) ?? []).sorted() where name.hasSuffix(".pem") {
            guard let text = try? String(contentsOfFile: directory + "/" + name, encoding: .utf8),
                let key = try? JWTKey(pem: text, algorithm: nil)
            else { throw fail("cannot read the key \(directory)/\(name)") }
            keys.append(key.withKeyID(key.thumbprint))
        }
        let currentPath = directory + "/current"
        let currentID = (try? String(contentsOfFile: currentPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        var signing = keys.first { $0.keyID == currentID && $0.algorithm == algorithm }
        if signing == nil {
            do {
                var key = try JWTKey.generate(algorithm)
                key = key.withKeyID(key.thumbprint)
                guard let pem = key.pemRepresentation, let kid = key.keyID else { throw fail("\(algorithm) keys cannot be generated") }
                try write(pem, to: directory + "/key-\(kid).pem")
                try write(kid + "\n", to: currentPath, replace: true)
                keys.append(key)
                signing = key
            } catch let error as ConfigurationError {
                throw error
            } catch {
                throw fail("cannot write a new key into \(directory)")
            }
        }
        guard let signing else { throw fail("no signing key") }
        do {
            return SigningKeys(signingKey: signing, verificationKeys: try JWTKeySet(keys.compactMap(\.publicKey)))
        } catch {
            throw fail(error.message)
        }
    }

    /// Writes a file with mode 0600, atomically (a temporary file renamed into place).
    static func write(_ text: String, to path: String, replace: Bool = false) throws {
        let temporary = path + ".tmp-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown)
        }
        if !replace, FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteFileExists)
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown)
        }
    }
}
