public import JWTAuth
public import Logging
public import PostgresNIO
import Synchronization

/// Users, sessions and revocations in PostgreSQL: the store for several service instances sharing one
/// database.
///
/// Every revocation check is one query (a prepared statement) on a pooled connection; nothing is cached,
/// so a revocation written by one instance is seen by every instance at its next request. Each write is
/// one statement, atomic on its own (`INSERT … ON CONFLICT`); the spend of a refresh token is one
/// statement whose row lock lets exactly one of any number of concurrent spends win, on any instance.
///
/// Failure is closed: every operation that cannot reach the database, or that does not finish within
/// `timeout`, throws `JWTAuthError.unavailable` (logged with the error's code, never its data). When the
/// database returns, the pool reconnects by itself.
///
/// Two ways to make one:
/// - ``connect(url:clock:timeout:logger:)`` creates the connection pool, runs it in a task of its own and
///   migrates the schema; ``close()`` stops it. ``PostgresStoreService`` runs purges and closes it at shutdown.
/// - ``init(client:clock:timeout:logger:)`` takes a `PostgresClient` that the application runs (for example
///   in its `ServiceGroup`); call ``migrate()`` once the client runs.
public final class PostgresStore: Sendable {
    /// The connection pool.
    public let client: PostgresClient
    let clock: JWTClock
    let timeout: Duration
    let logger: Logger
    private let state = Mutex(State())

    private struct State {
        var isClosed = false
        var runTask: Task<Void, Never>?
    }

    /// A store on `client`, which the caller runs (`client.run()`, or as a service).
    ///
    /// - Parameters:
    ///   - client: The connection pool.
    ///   - clock: Where expiry is read. Defaults to the system clock.
    ///   - timeout: How long an operation may take, waiting for a connection included, before it fails
    ///     with `unavailable`. Defaults to 5 seconds.
    ///   - logger: Where the store logs. Defaults to `jwt-auth.postgres`.
    public init(
        client: PostgresClient,
        clock: JWTClock = .system,
        timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "jwt-auth.postgres")
    ) {
        self.client = client
        self.clock = clock
        self.timeout = timeout
        self.logger = logger
    }

    /// Connects to the database at `url` (see ``PostgresURL``), runs the connection pool in a task owned by
    /// the store, and migrates the schema.
    /// - Throws: ``PostgresURL/InvalidURL`` for a bad URL; `JWTAuthError.unavailable` when the database
    ///   cannot be reached within `timeout`; ``PostgresStoreError`` when its schema is newer than this code.
    public static func connect(
        url: String,
        clock: JWTClock = .system,
        timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "jwt-auth.postgres")
    ) async throws -> PostgresStore {
        let configuration = try PostgresURL(url).clientConfiguration(statementTimeout: timeout)
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let store = PostgresStore(client: client, clock: clock, timeout: timeout, logger: logger)
        store.state.withLock { $0.runTask = Task { await client.run() } }
        do {
            try await store.migrate()
        } catch {
            await store.close()
            throw error
        }
        return store
    }

    /// The schema version this build writes.
    public static var schemaVersion: Int { PostgresMigrations.version }

    /// Creates or updates the tables. Safe to call from several instances at once.
    /// - Throws: ``PostgresStoreError`` when the database's schema is newer than this code;
    ///   `JWTAuthError.unavailable` when the database cannot be reached.
    public func migrate() async throws {
        // A migration runs once, at start, possibly behind another instance's advisory lock: it gets six
        // times the per-request timeout (30 s by default).
        try await perform("migrate", timeout: timeout * 6) { [client, logger] in
            try await PostgresMigrations.migrate(client, logger: logger)
        }
    }

    /// Throws `unavailable` unless the database answers a query within the timeout (for `/health`).
    public func ping() async throws {
        try await perform("ping") { [client] in
            _ = try await client.query("SELECT 1").collect()
        }
    }

    /// Stops the connection pool when the store runs it (``connect(url:clock:timeout:logger:)``). Later
    /// operations throw `unavailable`; closing twice does nothing.
    public func close() async {
        let task = state.withLock { state -> Task<Void, Never>? in
            state.isClosed = true
            defer { state.runTask = nil }
            return state.runTask
        }
        task?.cancel()
        await task?.value
    }

    /// Runs `body` within the timeout; turns every failure except a `JWTAuthError` or a
    /// ``PostgresStoreError`` from a migration into `unavailable`, and logs it without its data.
    func perform<T: Sendable>(
        _ operation: String,
        timeout: Duration? = nil,
        _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        if state.withLock({ $0.isClosed }) {
            logger.warning("PostgreSQL store used after close", metadata: ["operation": "\(operation)"])
            throw JWTAuthError.unavailable("The PostgreSQL store is unavailable")
        }
        do {
            return try await withDeadline(timeout ?? self.timeout, body)
        } catch let error as JWTAuthError {
            throw error
        } catch let error as PostgresStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.warning("PostgreSQL operation failed", metadata: ["operation": "\(operation)", "error": "\(Self.summary(error))"])
            throw JWTAuthError.unavailable("The PostgreSQL store is unavailable")
        }
    }

    /// What can be logged of an error: its kind and SQLSTATE, never the query's values or the server's text.
    static func summary(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState].map { " SQLSTATE \($0)" } ?? ""
            return "\(error.code)\(state)"
        }
        if error is DeadlineExceeded { return "timed out" }
        return String(describing: type(of: error))
    }
}
