import ArgumentParser

/// `jwt-auth token`: the group of token commands.
struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Sign, verify and decode JSON Web Tokens.",
        subcommands: [TokenEncode.self, TokenDecode.self, TokenVerify.self]
    )
}
