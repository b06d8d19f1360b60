import ArgumentParser

/// `jwt-auth users`: manage the service's users in its database.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage users (the same DATA_DIR / DATABASE_URL settings as serve).",
        subcommands: [UsersAdd.self, UsersList.self, UsersDisable.self, UsersEnable.self]
    )
}
