import ArgumentParser
import AuthServer
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users passwd NAME`: a new password, typed at a prompt or read from standard input.
struct UsersPasswd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "passwd",
        abstract: "Set a user's password and end every session of the user.",
        discussion: """
            On a terminal the password is asked for twice, without echo; otherwise it is read from standard \
            input. Example: printf '%s' "$PASSWORD" | jwt-auth users passwd alice
            """
    )

    @Argument(help: "The username.") var name: String
    @OptionGroup var options: NewUserOptions

    func run() async throws {
        let configuration = try options.configuration()
        try ExistingData.requireDatabase(configuration)
        let password = try PasswordInput.read()
        do {
            // Refused before the database opens.
            _ = try Credentials.password(password, field: "password")
        } catch {
            throw CommandFailure(code: error.code.description, message: error.message)
        }
        let user = try await AuthServer.withAccountService(configuration) { accounts in
            let user = try await Users.find(name, in: accounts)
            do {
                // Ends every session: each token of the user is refused from its next request.
                try await accounts.changePassword(of: user.id, to: password, field: "password")
            } catch let error as JWTAuthError {
                throw CommandFailure(code: error.code.description, message: error.message)
            }
            return user
        }
        print(UsersList.describe(user))
    }
}
