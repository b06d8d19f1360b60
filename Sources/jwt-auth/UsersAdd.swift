import ArgumentParser
import AuthServer
import Foundation
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users add NAME [--role R]...`: the password is typed at a prompt without echo, or comes from
/// standard input; never an argument.
struct UsersAdd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Add a user; the password is asked for on a terminal, else read from standard input.",
        discussion: "Example: printf '%s' \"$PASSWORD\" | jwt-auth users add alice --role admin"
    )

    @Argument(help: "The username.") var name: String
    @Option(name: .customLong("role"), help: "A role to grant (repeatable).") var roles: [String] = []
    @OptionGroup var options: NewUserOptions

    func run() async throws {
        let configuration = try options.configuration()
        let text = try PasswordInput.read()
        do {
            // Refused before the database opens (or a new data directory is made).
            _ = try Credentials.username(name)
            _ = try Credentials.password(text)
        } catch {
            throw CommandFailure(code: error.code.description, message: error.message)
        }
        let user = try await AuthServer.withAccountService(configuration) { accounts in
            do {
                return try await accounts.createUser(username: name, password: text, roles: roles)
            } catch let error as JWTAuthError {
                throw CommandFailure(code: error.code.description, message: error.message)
            }
        }
        print(UsersList.describe(user))
    }
}
