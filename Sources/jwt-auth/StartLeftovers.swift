import AuthServer
import Foundation

/// What `serve` makes on its first start (the data directory, an SQLite database elsewhere), noted
/// before it starts so that a start that fails removes it again: a failed first start leaves no
/// half-made data directory behind. What was there before is never touched.
struct StartLeftovers {
    private var paths: [String] = []

    init(_ configuration: AuthServerConfiguration) {
        let files = FileManager.default
        if !files.fileExists(atPath: configuration.dataDirectory) { paths.append(configuration.dataDirectory) }
        if case .sqlite(let path) = configuration.database, !files.fileExists(atPath: path) {
            paths += [path, path + "-wal", path + "-shm", path + "-journal"]
        }
    }

    /// Removes what the failed start made.
    func remove() {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }
}
