import ArgumentParser
import JWTAuth

/// `jwt-auth token decode`: shows a token without verifying it.
struct TokenDecode: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print a token's header and claims WITHOUT verifying it.",
        discussion: """
            Prints {"claims": {...}, "header": {...}, "verified": false} and a notice on standard error. \
            Nothing is checked but the token's form: never trust what this prints; use \
            `jwt-auth token verify` for that.

            Examples:
              jwt-auth token decode "$TOKEN"
              pbpaste | jwt-auth token decode -
            """
    )

    @Argument(help: ArgumentHelp("The token, or - to read it from standard input.", valueName: "token"))
    var token: String

    func run() throws {
        let parsed = try UnverifiedToken(StandardStreams.argumentOrInput(token))
        let claims = try parsed.claims()
        print(PrettyJSON.string(["header": .object(parsed.header.members), "claims": .object(claims.members), "verified": false]))
        StandardStreams.writeError("Note: the token was NOT verified: neither its signature nor its claims were checked.")
    }
}
