import ArgumentParser
import AuthServer
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users disable NAME`: the user can no longer log in or refresh.
struct UsersDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "disable",
        abstract: "Disable a user: no more logins or refreshes, and every token of the user is revoked."
    )
    @Argument(help: "The username.") var name: String
    @OptionGroup var options: UserStoreOptions

    func run() async throws { try await setDisabled(true, name: name, options: options) }
}

/// `jwt-auth users enable NAME`.
struct UsersEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user.")
    @Argument(help: "The username.") var name: String
    @OptionGroup var options: UserStoreOptions

    func run() async throws { try await setDisabled(false, name: name, options: options) }
}

private func setDisabled(_ disabled: Bool, name: String, options: UserStoreOptions) async throws {
    let user = try await AuthServer.withAccountService(try options.configuration()) { accounts in
        guard let user = try await accounts.user(named: name) else {
            throw CommandFailure(code: "not_found", message: "No user named \(name)")
        }
        // Disabling ends every session at once: the user's tokens are refused on their next request.
        try await accounts.setDisabled(disabled, user: user.id)
        return user
    }
    print(
        UsersList.describe(
            UserRecord(id: user.id, username: user.username, passwordHash: "", roles: user.roles, isDisabled: disabled, createdAt: user.createdAt)
        )
    )
}
