import ArgumentParser
import JWTAuth

/// The key a command signs, verifies or describes with: `--key` or `--secret`, `--alg`, `--kid`,
/// `--allow-weak-secret`.
struct KeyOptions: ParsableArguments {
    // Unconditional, so that `--key -` and a file whose name starts with `-` are taken as the value.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "A PEM, JWK or JWK Set file, an HMAC secret file, or - to read the key from standard input.",
            discussion: """
                Read as PEM when it holds `-----BEGIN`, as a JWK or JWK Set when it starts with `{`, \
                and otherwise as an HMAC secret (without its final newline; UTF-8, or binary after a \
                `base64:` prefix). A PEM or JWK public key is never taken for an HMAC secret. A missing \
                file is an error, never a secret. A PEM held in a variable goes through standard input: \
                `printf '%s' "$PEM" | jwt-auth … --key -`.
                """,
            valueName: "file"
        )
    )
    var key: String?

    // Unconditional, so that a secret starting with `-` is taken as the value, not as an option.
    @Option(
        parsing: .unconditional,
        help: ArgumentHelp(
            "An HMAC secret itself (instead of --key).",
            discussion: """
                Visible to other users of this machine in the process list (ps) and kept in the shell's \
                history: prefer --key with a file, or --key - with the secret on standard input. UTF-8, \
                or binary after a `base64:` prefix.
                """,
            valueName: "secret"
        )
    )
    var secret: String?

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

    @Flag(inversion: .prefixedNo, help: "Accept an HMAC secret shorter than 32 bytes.")
    var allowWeakSecret = false

    /// True when `--key -` reads the key from standard input, which the command cannot then read too.
    var readsStandardInput: Bool { key == "-" }

    func validate() throws {
        switch (key, secret) {
        case (nil, nil): throw ValidationError("Missing --key FILE (or --secret TEXT)")
        case (_?, _?): throw ValidationError("--key and --secret cannot be used together")
        default: break
        }
    }

    /// Reads and parses the keys `--key` or `--secret` gives, bound to `--alg` when it is given.
    /// - Throws: `invalid_key`, also for a `--key` file that cannot be read.
    func loadKeys() throws -> LoadedKeys {
        let materials: [KeyMaterial]
        var isSet = false
        if let secret {
            materials = [.secret(secret)]
        } else {
            (materials, isSet) = try KeyMaterial.parse(try KeyFile.read(key ?? "-"))
        }
        return try LoadedKeys(materials, isSet: isSet, algorithm: alg, keyID: kid, allowWeakSecret: allowWeakSecret)
    }

    /// The one key `--key` or `--secret` gives, which must be able to sign.
    func signingKey() throws -> JWTKey {
        let key = try loadKeys().single().key
        guard key.canSign else { throw JWTAuthError.invalidKey("The key cannot sign: it is a public key") }
        return key
    }
}
