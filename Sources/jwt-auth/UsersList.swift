import ArgumentParser
import AuthServer
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users list`: every user as a JSON line; never a password hash.
struct UsersList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List users as JSON lines (no hashes).")

    @OptionGroup var options: UserStoreOptions

    func run() async throws {
        let configuration = try options.configuration()
        try ExistingData.requireDatabase(configuration)
        let all = try await AuthServer.withAccountService(configuration) { try await $0.allUsers() }
        for user in all { print(Self.describe(user)) }
    }

    static func describe(_ user: UserRecord) -> String {
        JSONValue.object([
            "id": .string(user.id), "username": .string(user.username), "roles": .array(user.roles.map(JSONValue.string)),
            "disabled": .bool(user.isDisabled),
        ]).description
    }
}
