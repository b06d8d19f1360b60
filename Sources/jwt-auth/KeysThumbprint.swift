import ArgumentParser
import JWTAuth

/// `jwt-auth keys thumbprint`: the RFC 7638 thumbprint of a key, the `kid` JWTAuth gives its keys.
struct KeysThumbprint: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "thumbprint",
        abstract: "Print the RFC 7638 JWK thumbprint (SHA-256, base64url) of a PEM or JWK key.",
        discussion: """
            A private key and its public key have the same thumbprint. With a JWK Set, --kid chooses \
            the key.

            Examples:
              jwt-auth keys thumbprint --key key.pem
              jwt-auth keys thumbprint --key jwks.json --kid "$KID"
            """
    )

    @OptionGroup var keyOptions: KeyOptions

    func run() throws {
        let entry = try keyOptions.loadKeys().single()
        guard !entry.material.isSecret else { throw JWTAuthError.invalidKey("The key is not a PEM or JWK key") }
        print(entry.key.thumbprint)
    }
}
