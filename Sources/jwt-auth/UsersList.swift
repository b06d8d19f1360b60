import ArgumentParser
import AuthServer
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users list`: every user as a JSON line; never a password hash.
struct UsersList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List users (never a password hash): a table on a terminal, else JSON lines.",
        discussion: "One JSON object per line when standard output is not a terminal, or with --json."
    )

    @OptionGroup var options: UserStoreOptions
    @OptionGroup var output: ListOutputOptions

    func run() async throws {
        let configuration = try options.configuration()
        try ExistingData.requireDatabase(configuration)
        let all = try await AuthServer.withAccountService(configuration) { try await $0.allUsers() }
        output.print(all.map(Self.row), columns: ["id", "username", "roles", "disabled"])
    }

    /// A user's members: id, username, roles, disabled.
    static func row(_ user: UserRecord) -> [String: JSONValue] {
        [
            "id": .string(user.id), "username": .string(user.username), "roles": .array(user.roles.map(JSONValue.string)),
            "disabled": .bool(user.isDisabled),
        ]
    }

    /// One JSON line, as the other `users` commands print the user they changed.
    static func describe(_ user: UserRecord) -> String {
        JSONValue.object(row(user)).description
    }
}
