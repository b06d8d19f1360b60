import ArgumentParser
import AuthServer
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users delete NAME`: removes the user and revokes every token of theirs.
struct UsersDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a user and revoke their tokens.",
        discussion: "Works also when the database refuses to start because two names differ only in case or width."
    )

    @Argument(help: "The user's name, exactly as `users list` shows it (or any case of it, when that is one user).")
    var name: String
    @OptionGroup var options: UserStoreOptions

    func run() async throws {
        let configuration = try options.configuration()
        var user: UserRecord
        do {
            // Every session ends where `serve` reads revocations (the database, and Redis with BLOCKLIST_URL),
            // before the user goes: a failure then leaves a user whose tokens are dead, never a deleted user's
            // live ones.
            user = try await AuthServer.withAccountService(configuration) { try await delete(name, from: $0) }
        } catch is ConfigurationError {
            // The database refused to open (two existing names equal under RFC 8265's comparison): the
            // revocations go to the database, which refills Redis when it starts empty.
            user = try await AuthServer.withRepairableUserStore(configuration) { try await delete(name, from: $0) }
        }
        user.passwordHash = ""
        print(UsersList.describe(user))
    }

    private func delete(_ name: String, from accounts: AccountService) async throws -> UserRecord {
        let user = try await Users.find(name, in: accounts)
        try await accounts.delete(user: user.id)
        return user
    }
}
