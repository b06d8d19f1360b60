import ArgumentParser
import JWTAuth

/// `jwt-auth token verify`: a general JWS/JWT verifier.
struct TokenVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Verify a token's signature and claims, and print its header and claims.",
        discussion: """
            Checks the signature, then exp, nbf and iat when the token has them, then --iss, --aud and \
            each --require when given. No claim is required by default. Without --alg the token's alg is \
            accepted when it fits the key: RS* and PS* for an RSA key, the curve's ES* for an EC key, \
            EdDSA for Ed25519, HS* for a secret; `none` never. A token that names an audience needs \
            --aud. With a JWK Set, the token's kid selects the key. With --decrypt-key, the token must be \
            a nested JWT: a JWE (cty "JWT") that decrypts with that key to the signed token.

            On success prints {"claims": {...}, "header": {...}} and exits with 0; otherwise prints \
            `<code>: <message>` on standard error and exits with 1.

            Examples:
              jwt-auth token verify --key public.jwk "$TOKEN"
              jwt-auth token verify --key jwks.json --iss auth --aud api "$TOKEN"
              echo "$TOKEN" | jwt-auth token verify --key secret.txt --require sub -
            """
    )

    @OptionGroup var keyOptions: KeyOptions

    @Option(help: ArgumentHelp("The issuer the token's iss must be.", valueName: "issuer"))
    var iss: String?

    @Option(help: ArgumentHelp("An audience the token's aud must contain.", valueName: "audience"))
    var aud: String?

    @Option(name: .customLong("require"), help: ArgumentHelp("A claim the token must have (repeatable).", valueName: "claim"))
    var requiredClaims: [String] = []

    @Option(help: ArgumentHelp("Clock skew tolerated on exp, nbf and iat: seconds, or 30s, 5m, 1h.", valueName: "seconds"))
    var leeway = Seconds(0)

    @Option(help: ArgumentHelp("Check the times as of this moment instead of now.", valueName: "unix-time"))
    var at: Double?

    @Option(
        parsing: .unconditional,
        help: ArgumentHelp("A decryption key file (PEM, JWK, JWK Set or raw bytes): the token is a nested JWT.", valueName: "file")
    )
    var decryptKey: String?

    @Argument(help: ArgumentHelp("The token, or - to read it from standard input.", valueName: "token"))
    var token: String

    func validate() throws {
        if let at, !(at.isFinite && at >= 0) { throw ValidationError("--at must be a number of seconds since 1970") }
        let stdinReaders = [token == "-", keyOptions.readsStandardInput, decryptKey == "-"].filter { $0 }.count
        if stdinReaders > 1 { throw ValidationError("Only one of --key, --decrypt-key and the token can be read from standard input") }
    }

    func run() throws {
        let keys = try keyOptions.loadKeys()
        var text = StandardStreams.argumentOrInput(token)
        if let decryptKey {
            let decryptionKeys = try EncryptionKeyFile.load(decryptKey, algorithm: nil, encryption: nil, acceptingEveryEncryption: true)
            let decrypted = try JWEDecrypter(keys: decryptionKeys).decrypt(text)
            guard decrypted.header.isNested else { throw JWTAuthError.invalidToken("The encrypted token does not hold a JWT (cty)") }
            text = String(decoding: decrypted.plaintext, as: UTF8.self)
        }
        let parsed = try UnverifiedToken(text)
        let key = try keys.verificationKey(for: parsed.header, algorithm: keyOptions.alg)
        let validation = ClaimsValidation(leeway: leeway.duration, issuer: iss, audience: aud, requiredClaims: Set(requiredClaims))
        // The key is bound to the token's kid here because it was chosen above, by that kid or as the only key.
        let decoder = JWTDecoder(keys: try JWTKeySet([key.withKeyID(parsed.header.keyID)]), allowedAlgorithms: [key.algorithm])
        let verified = try decoder.verifySignature(parsed)
        try validation.validate(verified.claims, now: at ?? JWTClock.system.now)
        print(PrettyJSON.string(["header": .object(verified.header.members), "claims": .object(verified.claims.members)]))
    }
}
