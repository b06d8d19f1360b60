import ArgumentParser
import AuthServer
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users rename OLD NEW`: also resolves names that an upgrade found equal (`Bob` and `bob`).
struct UsersRename: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename",
        abstract: "Rename a user; tokens stay valid.",
        discussion: "Works also when the database refuses to start because two names differ only in case or width."
    )

    @Argument(help: "The user's name, exactly as `users list` shows it (or any case of it, when that is one user).")
    var old: String
    @Argument(help: "The new name.") var new: String
    @OptionGroup var options: UserStoreOptions

    func run() async throws {
        let configuration = try options.configuration()
        do {
            // Refused before the database opens.
            _ = try Credentials.username(new)
        } catch {
            throw CommandFailure(code: error.code.description, message: error.message)
        }
        try await AuthServer.withRepairableUserStore(configuration) { accounts in
            var user = try await Users.find(old, in: accounts)
            do {
                user.username = try await accounts.rename(user: user.id, to: new)
            } catch let error as JWTAuthError {
                throw CommandFailure(code: error.code.description, message: error.message)
            }
            user.passwordHash = ""
            print(UsersList.describe(user))
        }
    }
}
