import ArgumentParser

/// `jwt-auth token`: the group of token commands.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Sign, verify, decode, encrypt and decrypt JSON Web Tokens.",
        subcommands: [TokenEncode.self, TokenDecode.self, TokenVerify.self, TokenEncrypt.self, TokenDecrypt.self]
    )
}
