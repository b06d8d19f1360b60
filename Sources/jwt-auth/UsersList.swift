import ArgumentParser
import AuthServer
import JWTAuth

/// `jwt-auth users list`: every user as a JSON line; never a password hash.
struct UsersList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users as JSON lines (no hashes).")

    @OptionGroup var options: UserStoreOptions

    func run() async throws {
        let (users, close) = try await AuthServer.openUserStore(try options.configuration())
        let all = try await users.allUsers()
        try await close()
        for user in all { print(Self.describe(user)) }
    }

    static func describe(_ user: UserRecord) -> String {
        JSONValue.object([
            "id": .string(user.id), "username": .string(user.username), "roles": .array(user.roles.map(JSONValue.string)),
            "disabled": .bool(user.isDisabled),
        ]).description
    }
}
