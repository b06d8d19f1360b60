import SQLiteNIO

extension SQLiteStore {
    /// A database file as an earlier build left it: the schema's first `schemaVersion` steps, and `users` with
    /// ids 1, 2, … in order, for tests of what a later step does to it.
    package static func makeFile(path: String, schemaVersion: Int, users: [String]) async throws {
        let connection = try await SQLiteConnection.open(storage: .file(path: path))
        do {
            for step in SQLiteMigrations.steps.prefix(schemaVersion) {
                switch step {
                case .statements(let statements):
                    for statement in statements { _ = try await connection.query(statement) }
                case .code(let body):
                    try await body(connection)
                }
            }
            _ = try await connection.query("PRAGMA user_version = \(schemaVersion)")
            for name in users {
                _ = try await connection.query(
                    "INSERT INTO users (username, password_hash, roles, disabled, created_at) VALUES (?1, 'h', '[]', 0, 1)",
                    [.text(name)]
                )
            }
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}
