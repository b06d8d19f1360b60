import ArgumentParser
import AuthServer
import JWTAuth

/// `jwt-auth users disable NAME`: the user can no longer log in or refresh.
struct UsersDisable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "disable", abstract: "Disable a user: no more logins or refreshes.")
    @Argument(help: "The username.") var name: String
    @OptionGroup var options: ServiceOptions

    func run() async throws { try await setDisabled(true, name: name, options: options) }
}

/// `jwt-auth users enable NAME`.
struct UsersEnable: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "enable", abstract: "Enable a disabled user.")
    @Argument(help: "The username.") var name: String
    @OptionGroup var options: ServiceOptions

    func run() async throws { try await setDisabled(false, name: name, options: options) }
}

private func setDisabled(_ disabled: Bool, name: String, options: ServiceOptions) async throws {
    let (users, close) = try await AuthServer.openUserStore(try options.configuration())
    guard let user = try await users.user(named: name) else {
        try await close()
        throw CommandFailure(code: "not_found", message: "No user named \(name)")
    }
    try await users.setDisabled(disabled, forUser: user.id)
    try await close()
    print(
        UsersList.describe(
            UserRecord(id: user.id, username: user.username, passwordHash: "", roles: user.roles, isDisabled: disabled, createdAt: user.createdAt)
        )
    )
}
