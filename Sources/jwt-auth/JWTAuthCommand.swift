import ArgumentParser
import JWTAuth

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The `jwt-auth` command: signs, verifies and inspects tokens, and makes keys.
@main
struct JWTAuthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwt-auth",
        abstract: "JSON Web Token authentication: sign, verify and inspect tokens, make keys.",
        discussion: """
            A failed command prints `<code>: <message>` on standard error (`jwt-auth: <message>` when \
            what it needs is not there, such as a free port or existing data) and exits with 1; a usage \
            error exits with 2. No message ever holds a token, a key or a secret.
            """,
        version: JWTAuthVersion.current,
        subcommands: [Serve.self, TokenCommand.self, KeysCommand.self, Users.self]
    )

    /// Runs the command line: exit 0 on success, 1 when a command fails, 2 on a usage error
    /// (argument-parser's own default for usage errors is 64).
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            finish(with: error)
        }
        do {
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ValidationError {
            // A usage error found while running, such as malformed claims read from standard input.
            StandardStreams.writeError("Error: \(error.message)")
            terminate(2)
        } catch {
            finish(with: error)
        }
    }

    /// Prints `error` and exits: `<code>: <message>` and 1 for a failed command, the usage and 2 for a
    /// usage error, argument-parser's handling (help, version) otherwise.
    private static func finish(with error: any Error) -> Never {
        switch error {
        case let failure as CommandFailure:
            StandardStreams.writeError(failure.description)
            terminate(1)
        case let error as JWTAuthError:
            StandardStreams.writeError(error.description)
            terminate(1)
        default:
            if exitCode(for: error) == .validationFailure {
                var message = fullMessage(for: error)
                if let (typed, nearest) = CommandSuggestion.suggestion(for: CommandLine.arguments.dropFirst(), root: Self.self),
                    let firstLineEnd = message.firstIndex(of: "\n")
                {
                    // "Unexpected argument 'serv'" becomes "Unknown command 'serv'. Did you mean 'serve'?".
                    message = "Error: Unknown command '\(typed)'. Did you mean '\(nearest)'?" + message[firstLineEnd...]
                }
                StandardStreams.writeError(redacting(message, CommandLine.arguments.dropFirst()))
                terminate(2)
            }
            exit(withError: error)
        }
    }

    /// `message` without the arguments that may be secret: the value of `--key` or `--secret`, anything
    /// holding a PEM block or a line break, anything shaped like a JWS or a JWE. argument-parser repeats arguments it
    /// rejects.
    static func redacting(_ message: String, _ arguments: some Sequence<String>) -> String {
        var message = message
        var previous = ""
        for argument in arguments {
            var secret: Substring? = nil
            if previous == "--key" || previous == "--secret" {
                secret = Substring(argument)
            } else if argument.hasPrefix("--key=") || argument.hasPrefix("--secret=") {
                secret = argument.drop { $0 != "=" }.dropFirst()
            } else if argument.contains("-----BEGIN") || argument.contains("\n")
                || [3, 5].contains(argument.split(separator: ".", omittingEmptySubsequences: false).count)
            {
                secret = Substring(argument)
            }
            // Shorter values are no secret worth the name, and replacing them would garble the message.
            if let secret, secret.count >= 8 { message = message.replacing(secret, with: "<redacted>") }
            previous = argument
        }
        return message
    }
}

/// Ends the process; `exit` inside a command type means argument-parser's `exit(withError:)`.
private func terminate(_ status: Int32) -> Never {
    exit(status)
}
