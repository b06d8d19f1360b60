import AuthServer
import Foundation

/// What the read-only commands (`users list`, `keys list`) check first: they never create a database or a
/// directory, so an empty place is an error naming it, not an empty answer from a store made on the spot.
enum ExistingData {
    /// Throws unless `configuration`'s SQLite database file exists (a PostgreSQL database is never created).
    static func requireDatabase(_ configuration: AuthServerConfiguration) throws(CommandFailure) {
        guard case .sqlite(let path) = configuration.database, !FileManager.default.fileExists(atPath: path) else { return }
        if path == configuration.dataDirectory + "/auth.sqlite" {
            throw noData(at: configuration.dataDirectory)
        }
        throw .environment("no data at \(path) (set --database-url or JWT_AUTH_DATABASE_URL)")
    }

    /// Throws unless `configuration`'s data directory exists, when the keys live there (not in PostgreSQL).
    static func requireKeyDirectory(_ configuration: AuthServerConfiguration) throws(CommandFailure) {
        guard case .sqlite = configuration.database, !FileManager.default.fileExists(atPath: configuration.dataDirectory) else { return }
        throw noData(at: configuration.dataDirectory)
    }

    private static func noData(at directory: String) -> CommandFailure {
        .environment("no data at \(directory) (set --data-dir or JWT_AUTH_DATA_DIR)")
    }
}
