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
    /// The connection pool. A pool the store runs itself is replaced after a long outage (see
    /// ``replacePoolAfter``), so read this property for each use rather than keeping it.
    public var client: PostgresClient { state.withLock { $0.client } }
    let clock: JWTClock
    let timeout: Duration
    let logger: Logger
    private let state: Mutex<State>

    /// How long operations must have failed without a success before a pool the store runs itself is
    /// replaced by a new one. postgres-nio backs off between connection attempts (100 ms × 1.25ⁿ, up to
    /// 60 s, not configurable): after a long outage the old pool could wait a minute before it tries
    /// again, while a new pool tries at once. So the store recovers within seconds of the database's return.
    let replacePoolAfter: Duration

    private struct State {
        var client: PostgresClient
        var isClosed = false
        var runTask: Task<Void, Never>?
        /// The pool's configuration when the store runs the pool itself (and may replace it).
        var configuration: PostgresClient.Configuration?
        /// Since when operations have failed without a success in between (nil: the last one succeeded).
        var failingSince: ContinuousClock.Instant?
        var replacements = 0
    }

    /// A store on `client`, which the caller runs (`client.run()`, or as a service).
    ///
    /// - Parameters:
    ///   - client: The connection pool.
    ///   - clock: Where expiry is read. Defaults to the system clock.
    ///   - timeout: How long an operation may take, waiting for a connection included, before it fails
    ///     with `unavailable`. Defaults to 5 seconds.
    ///   - logger: Where the store logs. Defaults to `jwt-auth.postgres`.
    public convenience init(
        client: PostgresClient,
        clock: JWTClock = .system,
        timeout: Duration = .seconds(5),
        logger: Logger = Logger(label: "jwt-auth.postgres")
    ) {
        self.init(client: client, clock: clock, timeout: timeout, logger: logger, replacePoolAfter: .seconds(10))
    }

    /// A store that runs its own pool on `configuration` (and may replace it), not yet migrated.
    convenience init(
        running configuration: PostgresClient.Configuration,
        clock: JWTClock,
        timeout: Duration,
        logger: Logger,
        replacePoolAfter: Duration
    ) {
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.init(client: client, clock: clock, timeout: timeout, logger: logger, replacePoolAfter: replacePoolAfter)
        state.withLock {
            $0.configuration = configuration
            $0.runTask = Task { await client.run() }
        }
    }

    init(client: PostgresClient, clock: JWTClock, timeout: Duration, logger: Logger, replacePoolAfter: Duration) {
        self.state = Mutex(State(client: client))
        self.clock = clock
        self.timeout = timeout
        self.logger = logger
        self.replacePoolAfter = replacePoolAfter
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
        try await connect(url: url, clock: clock, timeout: timeout, logger: logger, replacePoolAfter: .seconds(10))
    }

    static func connect(
        url: String,
        clock: JWTClock,
        timeout: Duration,
        logger: Logger,
        replacePoolAfter: Duration
    ) async throws -> PostgresStore {
        let configuration = try PostgresURL(url).clientConfiguration(statementTimeout: timeout)
        let store = PostgresStore(running: configuration, clock: clock, timeout: timeout, logger: logger, replacePoolAfter: replacePoolAfter)
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
        let deadline = timeout * 6
        try await perform("migrate", timeout: deadline) { [client, logger] in
            try await PostgresMigrations.migrate(client, logger: logger, timeout: deadline)
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
            let result = try await withDeadline(timeout ?? self.timeout, body)
            state.withLock { $0.failingSince = nil }
            return result
        } catch let error as JWTAuthError {
            throw error
        } catch let error as PostgresStoreError {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.warning("PostgreSQL operation failed", metadata: ["operation": "\(operation)", "error": "\(Self.summary(error))"])
            replacePoolIfFailingTooLong()
            throw JWTAuthError.unavailable("The PostgreSQL store is unavailable")
        }
    }

    /// How many times the store has replaced its pool (for tests and logs).
    var poolReplacements: Int { state.withLock { $0.replacements } }

    /// After `replacePoolAfter` of failures with no success, a pool the store runs itself is swapped for a
    /// new one (which connects at once, without the old one's back-off); the old one is stopped.
    private func replacePoolIfFailingTooLong() {
        let now = ContinuousClock.now
        let old = state.withLock { state -> Task<Void, Never>? in
            guard let since = state.failingSince else {
                state.failingSince = now
                return nil
            }
            guard !state.isClosed, let configuration = state.configuration, now - since >= replacePoolAfter else { return nil }
            let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
            let old = state.runTask
            state.client = client
            state.runTask = Task { await client.run() }
            state.failingSince = now
            state.replacements += 1
            return old
        }
        guard let old else { return }
        logger.notice("PostgreSQL unreachable for a while: connecting with a new pool")
        old.cancel()
    }

    /// What can be logged of an error: its kind and SQLSTATE, never the query's values or the server's text.
    static func summary(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            let state = error.serverInfo?[.sqlState].map { " SQLSTATE \($0)" } ?? ""
            return "\(error.code)\(state)"
        }
        if error is DeadlineExceeded { return "timed out" }
        if let error = error as? PostgresTransactionError {
            let inner = [error.beginError, error.closureError, error.commitError].compactMap { $0 }.first
            return "transaction: " + (inner.map(summary) ?? "failed")
        }
        return String(describing: type(of: error))
    }
}
