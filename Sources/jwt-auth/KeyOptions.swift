import ArgumentParser
import Foundation
import JWTAuth

/// The key a command signs, verifies or describes with: `--key`, `--alg`, `--kid`, `--allow-weak-secret`.
struct KeyOptions: ParsableArguments {
    // Unconditional, so that a secret starting with `-` is taken as the value, not as an option.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "A PEM, JWK or JWK Set file, an HMAC secret file, or an HMAC secret itself.",
            discussion: """
                A file is read as PEM when it holds `-----BEGIN`, as a JWK or JWK Set when it starts \
                with `{`, and otherwise as an HMAC secret (without its final newline). A value that is \
                not a file is itself the secret. Secrets are UTF-8; prefix `base64:` for binary. A \
                PEM or JWK public key is never taken for an HMAC secret. Give a PEM inline as \
                `--key="$(cat key.pem)"`.
                """,
            valueName: "key"
        )
    )
    var key: String

    @Option(
        help: ArgumentHelp(
            "The signing algorithm.",
            discussion: "Defaults to the key's: its JWK `alg`, its curve, RS256 for RSA, HS256 for a secret.",
            valueName: "alg"
        )
    )
    var alg: SigningAlgorithm?

    @Option(
        help: ArgumentHelp(
            "The key's kid; with a JWK Set, the key to use.",
            discussion: "Defaults to the JWK's kid, or none.",
            valueName: "kid"
        )
    )
    var kid: String?

    @Flag(help: "Accept an HMAC secret shorter than 32 bytes.")
    var allowWeakSecret = false

    /// Reads and parses the keys `--key` names, bound to `--alg` when it is given.
    /// - Throws: `invalid_key` (a `JWTAuthError`), or `io_error` (a ``CommandFailure``).
    func loadKeys() throws -> LoadedKeys {
        let (bytes, isFile) = try readSource()
        let (materials, isSet) = try KeyMaterial.parse(bytes, isFile: isFile)
        return try LoadedKeys(materials, isSet: isSet, algorithm: alg, keyID: kid, allowWeakSecret: allowWeakSecret)
    }

    /// The one key `--key` names, which must be able to sign.
    func signingKey() throws -> JWTKey {
        let key = try loadKeys().single().key
        guard key.canSign else { throw JWTAuthError.invalidKey("The key cannot sign: it is a public key") }
        return key
    }

    private func readSource() throws -> (bytes: [UInt8], isFile: Bool) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: key, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw CommandFailure.io("The --key path is a directory") }
            guard let data = FileManager.default.contents(atPath: key) else { throw CommandFailure.io("Cannot read the --key file") }
            return (Array(data), true)
        }
        // A missing file is a mistake, not a secret; the name is not repeated in case it was one.
        let fileExtensions = [".pem", ".key", ".jwk", ".jwks", ".json", ".secret"]
        if fileExtensions.contains(where: { key.lowercased().hasSuffix($0) }) {
            throw JWTAuthError.invalidKey("The --key file does not exist")
        }
        return (Array(key.utf8), false)
    }
}
