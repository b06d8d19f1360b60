public import JWTAuth
public import Logging
import SQLiteNIO
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Users, sessions and revocations in one SQLite file: the embedded default store of the service.
///
/// The file is opened in WAL mode, its schema migrated at open. Every write is one transaction; a write
/// that returned is on disk (see ``Synchronous``). Revocation checks answer from an index in memory,
/// loaded at open, updated after each committed write, and merged with what other processes committed when
/// ``reloadRevocationsIfChanged()`` finds the file changed (``run(purgeEvery:pollEvery:)`` looks every second). SQLite runs on sqlite-nio's thread pool, never
/// on the caller's thread. Call ``close()`` when done; afterwards every call throws ``SQLiteStoreError/closed``.
/// Expired entries are removed by ``purgeExpired()``, or periodically by ``run(purgeEvery:)``.
public final class SQLiteStore: Sendable {
    /// How much a commit waits for the disk (`PRAGMA synchronous`).
    public struct Synchronous: Sendable, Hashable {
        let pragma: String

        /// The WAL is synced on every commit: an acknowledged write survives `kill -9` and a power cut.
        public static let full = Self(pragma: "FULL")
        /// No sync per commit: an acknowledged write survives `kill -9` of the process, but the last ones
        /// may be lost to a power cut or an OS crash.
        public static let normal = Self(pragma: "NORMAL")
    }

    struct State {
        var isClosed = false
        var index = RevocationIndex()
        /// `PRAGMA data_version` when the index last read the file: it changes when another connection commits.
        var dataVersion: Int64 = 0
    }

    let connection: SQLiteConnection
    let clock: JWTClock
    let logger: Logger
    let gate = SerialGate()
    let state: Mutex<State>

    /// Opens (creating it, mode 0600, if missing) and migrates the database at `path`.
    ///
    /// - Parameters:
    ///   - path: The database file, e.g. `./data/auth.sqlite`. Its directory must exist.
    ///   - clock: Where expiry is read. Defaults to the system clock.
    ///   - synchronous: Defaults to `.full`, because a revocation lost to a power cut would let a
    ///     logged-out token work again.
    ///   - busyTimeout: How long a write waits for another process's lock. Defaults to 5 seconds.
    ///   - logger: Where the store logs. Defaults to `jwt-auth.sqlite`.
    /// - Throws: `SQLiteError` when the file cannot be opened or is not a database;
    ///   ``SQLiteStoreError`` when its schema is newer than this code or WAL is unavailable.
    public init(
        path: String,
        clock: JWTClock = .system,
        synchronous: Synchronous = .full,
        busyTimeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "jwt-auth.sqlite")
    ) async throws {
        createFileIfMissing(path)
        let connection = try await SQLiteConnection.open(storage: .file(path: path), logger: logger)
        let index: RevocationIndex
        let dataVersion: Int64
        do {
            try await SQLiteMigrations.configure(connection, synchronous: synchronous, busyTimeout: busyTimeout)
            try await SQLiteMigrations.migrate(connection)
            dataVersion = try await Self.dataVersion(connection)
            index = try await Self.loadIndex(connection, now: clock.now)
        } catch {
            await Task { try? await connection.close() }.value
            throw error
        }
        self.connection = connection
        self.clock = clock
        self.logger = logger
        self.state = Mutex(State(index: index, dataVersion: dataVersion))
    }

    deinit {
        // A store dropped without close(): close the connection in the background (it keeps itself alive
        // until then). No operation can be in flight, since each holds a reference to the store.
        if !state.withLock({ $0.isClosed }) { _ = connection.close() }
    }

    /// The schema version this build writes (`PRAGMA user_version` of a migrated file).
    public static var schemaVersion: Int { SQLiteMigrations.version }

    /// Closes the database once the operations already started have finished. Later calls throw
    /// ``SQLiteStoreError/closed``; closing twice does nothing.
    public func close() async throws {
        let wasOpen = state.withLock { state in
            defer { state.isClosed = true }
            return !state.isClosed
        }
        guard wasOpen else { return }
        try await gate.run { try await Task { [connection] in try await connection.close() }.value }
    }

    /// Runs `body` in one transaction, alone on the connection; rolls back and rethrows when it throws.
    func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) async throws -> T) async throws -> T {
        try await gate.run {
            try checkOpen()
            // In a task of its own: sqlite-nio skips the statements of a cancelled task, and a skipped
            // COMMIT or ROLLBACK would leave the transaction open for every later write.
            return try await Task { [connection] in
                _ = try await connection.query("BEGIN IMMEDIATE")
                do {
                    let result = try await body(connection)
                    _ = try await connection.query("COMMIT")
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK")
                    throw error
                }
            }.value
        }
    }

    /// Runs `body`, alone on the connection.
    func read<T>(_ body: (SQLiteConnection) async throws -> T) async throws -> T {
        try await gate.run {
            try checkOpen()
            return try await body(connection)
        }
    }

    func checkOpen() throws {
        if state.withLock({ $0.isClosed }) { throw SQLiteStoreError.closed }
    }
}

/// Creates the file with mode 0600 when missing, so that SQLite (which gives its WAL and shared-memory
/// files the database's mode) never leaves password hashes readable by others.
private func createFileIfMissing(_ path: String) {
    let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
    if descriptor >= 0 { close(descriptor) }
}

extension SQLiteRow {
    func text(_ name: String) throws -> String {
        guard let value = column(name)?.string else { throw SQLiteStoreError(description: "Column \(name) is missing") }
        return value
    }

    func real(_ name: String) throws -> Double {
        guard let value = column(name)?.double else { throw SQLiteStoreError(description: "Column \(name) is missing") }
        return value
    }

    func integer(_ name: String) throws -> Int64 {
        guard let value = column(name)?.integer else { throw SQLiteStoreError(description: "Column \(name) is missing") }
        return Int64(value)
    }
}
