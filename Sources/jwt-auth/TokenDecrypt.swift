import ArgumentParser
import JWTAuth

/// `jwt-auth token decrypt`: decrypts a compact JWE and shows what it holds.
struct TokenDecrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decrypt",
        abstract: "Decrypt a compact JWE and print its header and claims.",
        discussion: """
            Prints {"claims": {...}, "header": {...}} when the plaintext is a JSON object, and \
            {"header": {...}, "payload": "..."} otherwise (a nested JWT: verify it with \
            `jwt-auth token verify`, or use `token verify --decrypt-key`). The key is a private or \
            symmetric key: a PEM, a JWK, a JWK Set (the token's kid selects the key) or a file of raw key \
            bytes. The token's alg must be the key's (--alg); its enc must be --enc when given, else any \
            that fits the key. Any failure prints `<code>: <message>` on standard error and exits with 1.

            Examples:
              jwt-auth token decrypt --key recipient-private.jwk "$TOKEN"
              echo "$TOKEN" | jwt-auth token decrypt --key secret.bin -
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("The decryption key file, or - for standard input.", valueName: "file"))
    var key: String

    @Option(help: ArgumentHelp("The key management algorithm the key is for.", valueName: "alg"))
    var alg: KeyManagementAlgorithm?

    @Option(help: ArgumentHelp("The one content encryption algorithm accepted.", valueName: "enc"))
    var enc: ContentEncryptionAlgorithm?

    @Argument(help: ArgumentHelp("The token, or - to read it from standard input.", valueName: "token"))
    var token: String

    func validate() throws {
        if token == "-", key == "-" { throw ValidationError("--key - and the token - cannot both be read from standard input") }
    }

    func run() throws {
        let keys = try EncryptionKeyFile.load(key, algorithm: alg, encryption: enc, acceptingEveryEncryption: true)
        let decrypted = try JWEDecrypter(keys: keys).decrypt(StandardStreams.argumentOrInput(token))
        if let claims = try? JSONParser().parseObject(decrypted.plaintext) {
            print(PrettyJSON.string(["header": .object(decrypted.header.members), "claims": .object(claims)]))
        } else {
            let payload = String(decoding: decrypted.plaintext, as: UTF8.self)
            print(PrettyJSON.string(["header": .object(decrypted.header.members), "payload": .string(payload)]))
        }
    }
}
