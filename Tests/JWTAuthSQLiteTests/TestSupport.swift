import JWTAuth
import JWTAuthSQLite
import JWTAuthTesting
import SQLiteNIO
import Synchronization

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// A new directory under the system's temporary directory, removed by `remove()`.
struct TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.path + "/jwt-auth-sqlite-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// A path for a new database file in this directory.
    func newFile() -> String {
        "\(path)/\(UInt64.random(in: 0...UInt64.max)).sqlite"
    }

    func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// Opens stores for a conformance suite and closes them all afterwards.
final class OpenedStores: Sendable {
    private let stores = Mutex<[SQLiteStore]>([])
    let directory: TemporaryDirectory
    let clock: SettableClock

    init(directory: TemporaryDirectory, clock: SettableClock) {
        self.directory = directory
        self.clock = clock
    }

    func open() async throws -> SQLiteStore {
        let store = try await SQLiteStore(path: directory.newFile(), clock: clock.clock)
        stores.withLock { $0.append(store) }
        return store
    }

    func closeAll() async throws {
        for store in stores.withLock({ $0 }) { try await store.close() }
    }
}

/// Runs one query on its own connection to the file at `path`, beside any store that has it open.
func rawQuery(_ path: String, _ sql: String) async throws -> [SQLiteRow] {
    let connection = try await SQLiteConnection.open(storage: .file(path: path))
    do {
        let rows = try await connection.query(sql)
        try await connection.close()
        return rows
    } catch {
        try? await connection.close()
        throw error
    }
}

/// The number of rows in `table` of the file at `path`.
func rowCount(_ path: String, _ table: String) async throws -> Int {
    Int(try await rawQuery(path, "SELECT count(*) AS n FROM \(table)").first?.column("n")?.integer ?? -1)
}
