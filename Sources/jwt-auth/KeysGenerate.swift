import ArgumentParser
import Foundation
import JWTAuth

/// `jwt-auth keys generate`: makes a signing key.
struct KeysGenerate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Generate a signing key, write it to a new file, and print its public JWK.",
        discussion: """
            Writes the private key (PKCS#8 PEM; for HMAC a random 64-byte secret as `base64:...` text) \
            to a new file of mode 0600, and never overwrites one. Prints the public JWK, with kid (its \
            RFC 7638 thumbprint), alg and use; for HMAC, only kid, alg and the file's name. RSA keys \
            are 2048 bits.

            Examples:
              jwt-auth keys generate --alg ES256 > public.jwk
              jwt-auth keys generate --alg HS256 --out secret.txt
            """
    )

    @Option(help: ArgumentHelp("The algorithm the key is for.", valueName: "alg"))
    var alg: SigningAlgorithm = .es256

    @Option(
        help: ArgumentHelp(
            "The file to write the private key to; it must not exist.",
            discussion: "Defaults to key-<kid>.pem, or key-<kid>.secret for HMAC, in the current directory (a kid may start with '-').",
            valueName: "file"
        )
    )
    var out: String?

    func run() throws {
        let generated = try JWTKey.generate(alg)
        let keyID = generated.thumbprint
        let key = generated.withKeyID(keyID)
        if let secret = key.secretBytes {
            let path = out ?? "key-\(keyID).secret"
            try PrivateFile.create(path, contents: Array("base64:\(Data(secret).base64EncodedString())\n".utf8))
            StandardStreams.writeError("Wrote the secret to \(path) (mode 0600).")
            print(PrettyJSON.string(["kid": .string(keyID), "alg": .string(alg.name), "file": .string(path)]))
        } else if let pem = key.pemRepresentation, let jwk = key.publicJWK {
            let path = out ?? "key-\(keyID).pem"
            try PrivateFile.create(path, contents: Array((pem.hasSuffix("\n") ? pem : pem + "\n").utf8))
            StandardStreams.writeError("Wrote the private key to \(path) (mode 0600).")
            print(PrettyJSON.string(.object(jwk)))
        }
    }
}
