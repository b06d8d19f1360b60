import ArgumentParser
import JWTAuth
import JWTAuthHummingbird

/// `jwt-auth users`: manage the service's users in its database.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users (the same DATA_DIR / DATABASE_URL settings as serve).",
        subcommands: [
            UsersAdd.self, UsersPasswd.self, UsersRoles.self, UsersList.self, UsersDisable.self, UsersEnable.self, UsersRename.self, UsersDelete.self,
        ]
    )

    /// The one user `name` means (``AccountService/users(matching:)``). Works on a database whose names still
    /// clash (`Bob` and `bob`), where only the exact name tells them apart.
    /// - Throws: ``CommandFailure`` `not_found`, or `ambiguous` when several names share the key.
    static func find(_ name: String, in accounts: AccountService) async throws -> UserRecord {
        let matches = try await accounts.users(matching: name)
        guard matches.count <= 1 else {
            let ids = matches.map(\.id).joined(separator: ", ")
            throw CommandFailure(code: "ambiguous", message: "Users \(ids) match \(name): give the name exactly as `users list` shows it")
        }
        guard let user = matches.first else { throw CommandFailure(code: "not_found", message: "No user named \(name)") }
        return user
    }
}
