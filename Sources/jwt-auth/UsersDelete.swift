import ArgumentParser
import AuthServer
import JWTAuth

/// `jwt-auth users delete NAME`: removes the user and revokes every token of theirs.
struct UsersDelete: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a user and revoke their tokens.",
        discussion: "Works also when the database refuses to start because two names differ only in case or width."
    )

    @Argument(help: "The user's name, exactly as `users list` shows it (or any case of it, when that is one user).")
    var name: String
    @OptionGroup var options: ServiceOptions

    func run() async throws {
        try await AuthServer.withRepairableUserStore(try options.configuration()) { store in
            var user = try await Users.find(name, in: store)
            // Revoked first: a failure then leaves a user whose tokens are dead, never a deleted user's live ones.
            try await store.revokeAll(subject: user.id, issuedBefore: JWTClock.system.now)
            try await store.deleteUser(id: user.id)
            user.passwordHash = ""
            print(UsersList.describe(user))
        }
    }
}
