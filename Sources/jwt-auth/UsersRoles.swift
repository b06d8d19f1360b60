import ArgumentParser
import AuthServer
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users roles NAME [--add ROLE]... [--remove ROLE]...`: grants and withdraws roles in one change.
struct UsersRoles: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "roles",
        abstract: "Show a user's roles, or add and remove roles; removing one ends every session of the user.",
        discussion: """
            With neither --add nor --remove, prints the user. Tokens carry the roles they were issued with, so \
            a removed role ends every session of the user at once; adding ends none (a new login or a refresh \
            carries the new role). Example: jwt-auth users roles alice --add admin --remove guest
            """
    )

    @Argument(help: "The username.") var name: String
    @Option(name: .customLong("add"), help: "A role to grant (repeatable).") var adding: [String] = []
    @Option(name: .customLong("remove"), help: "A role to withdraw (repeatable).") var removing: [String] = []
    @OptionGroup var options: UserStoreOptions

    func validate() throws {
        if let role = adding.first(where: removing.contains) {
            throw ValidationError("--add and --remove both name the role \(role)")
        }
    }

    func run() async throws {
        let configuration = try options.configuration()
        try ExistingData.requireDatabase(configuration)
        let user = try await AuthServer.withAccountService(configuration) { accounts in
            var user = try await Users.find(name, in: accounts)
            guard !adding.isEmpty || !removing.isEmpty else { return user }
            do {
                user.roles = try await accounts.changeRoles(of: user.id, adding: adding, removing: removing).current
            } catch let error as JWTAuthError {
                throw CommandFailure(code: error.code.description, message: error.message)
            }
            return user
        }
        print(UsersList.describe(user))
    }
}
