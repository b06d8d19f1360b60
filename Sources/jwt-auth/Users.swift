import ArgumentParser
import JWTAuth

/// `jwt-auth users`: manage the service's users in its database.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users (the same DATA_DIR / DATABASE_URL settings as serve).",
        subcommands: [UsersAdd.self, UsersList.self, UsersDisable.self, UsersEnable.self, UsersRename.self, UsersDelete.self]
    )

    /// The user named `name`: the one whose stored name is exactly `name`, else the one whose name has its
    /// ``Username/key(_:)``. Works on a database whose names still clash (`Bob` and `bob`), where only the
    /// exact name tells them apart.
    /// - Throws: ``CommandFailure`` `not_found`, or `ambiguous` when several names share the key.
    static func find(_ name: String, in store: some UserStore) async throws -> UserRecord {
        let users = try await store.allUsers()
        if let user = users.first(where: { $0.username.unicodeScalars.elementsEqual(name.unicodeScalars) }) { return user }
        let key = Username.key(name)
        let matches = users.filter { Username.key($0.username) == key }
        guard matches.count <= 1 else {
            let ids = matches.map(\.id).joined(separator: ", ")
            throw CommandFailure(code: "ambiguous", message: "Users \(ids) match \(name): give the name exactly as `users list` shows it")
        }
        guard let user = matches.first else { throw CommandFailure(code: "not_found", message: "No user named \(name)") }
        return user
    }
}
