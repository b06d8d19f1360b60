import ArgumentParser
import Foundation
import JWTAuth

/// `jwt-auth token encrypt`: encrypts claims, or a signed token, into a compact JWE.
struct TokenEncrypt: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encrypt",
        abstract: "Encrypt claims, or a signed token (a nested JWT), into a compact JWE and print it.",
        discussion: """
            The input is a JSON object of claims, or a compact JWS, given as the argument or on standard \
            input (-); a JWS becomes a nested token (cty "JWT"). The key is a public key or a symmetric \
            key: a PEM, a JWK, a JWK Set of one key, or a file of raw key bytes. --alg defaults to the JWK's \
            alg, else dir for a symmetric key, ECDH-ES+A256KW for EC and X25519, RSA-OAEP-256 for RSA; \
            --enc defaults to A256GCM (for dir, to the algorithm whose key length fits).

            Examples:
              jwt-auth token encrypt --key recipient.jwk '{"sub":"42","email":"zoe@example.com"}'
              jwt-auth token encode --key signing.pem --sub 42 --ttl 15m | jwt-auth token encrypt --key recipient.jwk -
            """
    )

    @Option(parsing: .unconditional, help: ArgumentHelp("The recipient's key file, or - for standard input.", valueName: "file"))
    var key: String

    @Option(help: ArgumentHelp("The key management algorithm.", valueName: "alg"))
    var alg: KeyManagementAlgorithm?

    @Option(help: ArgumentHelp("The content encryption algorithm.", valueName: "enc"))
    var enc: ContentEncryptionAlgorithm?

    @Option(help: ArgumentHelp("The kid to put in the header. Defaults to the key's.", valueName: "kid"))
    var kid: String?

    @Argument(help: ArgumentHelp("The claims (a JSON object) or a signed token, or - to read it from standard input.", valueName: "payload"))
    var payload: String = "{}"

    func validate() throws {
        if payload == "-", key == "-" { throw ValidationError("--key - and the payload - cannot both be read from standard input") }
        if payload != "-" { _ = try Self.plaintext(payload) }
    }

    func run() throws {
        let (plaintext, contentType) = try Self.plaintext(StandardStreams.argumentOrInput(payload))
        let keys = try EncryptionKeyFile.load(key, algorithm: alg, encryption: enc)
        guard keys.count == 1, var recipient = keys.first else { throw JWTAuthError.invalidKey("The key file must hold exactly one key") }
        if let kid { recipient = recipient.withKeyID(kid) }
        print(try recipient.encrypt(plaintext, contentType: contentType))
    }

    /// The bytes to encrypt and the `cty` they call for: a JSON object as given, or a JWS (`cty: "JWT"`).
    static func plaintext(_ text: String) throws -> (bytes: [UInt8], contentType: String?) {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.hasPrefix("{") {
            guard (try? JSONParser().parseObject(Array(trimmed.utf8))) != nil else { throw ValidationError("The claims are not a JSON object") }
            return (Array(trimmed.utf8), nil)
        }
        guard (try? UnverifiedToken(trimmed)) != nil else {
            throw ValidationError("The payload is neither a JSON object of claims nor a compact JWS")
        }
        return (Array(trimmed.utf8), "JWT")
    }
}
