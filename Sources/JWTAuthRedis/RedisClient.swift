public import Logging
public import NIOCore
public import NIOPosix
import NIOSSL
import Synchronization

/// A Redis client: a small pool of connections, each carrying many commands at once (pipelining).
///
/// Connections open on first use. Commands take them in turn; one that finds its connection broken opens it
/// again. After a failed attempt that connection waits before the next one (see
/// ``RedisConfiguration/reconnectDelay(afterFailures:)``), and meanwhile commands go to another open
/// connection or fail at once with ``RedisError/Code/connectionFailed``: no caller hangs while Redis is down,
/// and the client recovers by itself when it is back. Call ``close()`` when done.
///
/// With ``RedisConfiguration/sentinel`` each connection is opened to the master the sentinels name; one that
/// closes or answers `-READONLY` (the node became a replica) is replaced, so the client follows a failover.
/// With ``RedisConfiguration/tls`` every connection is TLS, its certificate and name verified.
public final class RedisClient: Sendable {
    public let configuration: RedisConfiguration
    private let eventLoopGroup: any EventLoopGroup
    private let logger: Logger
    private let state: Mutex<State>
    /// The TLS context every connection is made with (the trust roots read once), or why there is none.
    private let tls: Result<NIOSSLContext, RedisError>?

    private struct State {
        var slots: [Slot]
        var next = 0
        var isClosed = false
        /// With Sentinel: the master the last connection was opened to, and how often that changed.
        var master: String?
        var masterChanges = 0
    }

    private enum Slot {
        case idle(failures: Int, retryAt: NIODeadline, lastError: RedisError?)
        case connecting(EventLoopFuture<RedisConnection>, failures: Int)
        case connected(RedisConnection)
    }

    private enum Choice {
        case use(RedisConnection)
        case wait(EventLoopFuture<RedisConnection>)
        case connect(slot: Int, failures: Int, EventLoopPromise<RedisConnection>)
        case fail(RedisError)
    }

    /// A client for `configuration`; it connects on the first command.
    /// - Parameters:
    ///   - eventLoopGroup: Defaults to the shared `MultiThreadedEventLoopGroup.singleton`.
    ///   - logger: Defaults to `jwt-auth.redis`.
    public init(
        configuration: RedisConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "jwt-auth.redis")
    ) {
        self.configuration = configuration
        self.eventLoopGroup = eventLoopGroup
        self.logger = logger
        self.tls = configuration.tls.map { tls in Result(catching: { () throws(RedisError) -> NIOSSLContext in try tls.makeContext() }) }
        let idle = Slot.idle(failures: 0, retryAt: .uptimeNanoseconds(0), lastError: nil)
        self.state = Mutex(State(slots: Array(repeating: idle, count: max(1, configuration.poolSize))))
    }

    /// A client for a URL that ``RedisConfiguration/init(url:)`` reads (`redis://`, `rediss://`,
    /// `redis+sentinel://`, `rediss+sentinel://`), with the other settings at their defaults.
    public convenience init(url: String, logger: Logger = Logger(label: "jwt-auth.redis")) throws(RedisError) {
        self.init(configuration: try RedisConfiguration(url: url), logger: logger)
    }

    deinit {
        for case .connected(let connection) in state.withLock({ $0.slots }) { connection.channel.close(promise: nil) }
    }

    /// With Sentinel, how many times a connection was opened to another master than the one before (a
    /// failover followed). A master promoted from a replica may lack the last writes the old one
    /// acknowledged (replication is asynchronous): a caller that keeps a copy elsewhere compares this before
    /// and after a command to know when to write that copy again.
    package var masterChanges: Int { state.withLock { $0.masterChanges } }

    /// Checks that Redis answers (`PING`), for health checks.
    /// - Throws: ``RedisError`` when it does not.
    public func ping() async throws {
        _ = try await send("PING")
    }

    /// Sends a command, e.g. `["SET", key, "1", "EX", "60"]`, and returns its reply.
    /// - Throws: ``RedisError``: `serverError` for an error reply; `timeout`, `connectionFailed`,
    ///   `connectionClosed`, `protocolError` or `clientClosed` when there is no reply.
    package func send(_ command: [String]) async throws -> RESPValue {
        let reply = try await onConnection { connection in
            let reply = try await connection.send(command, timeout: configuration.commandTimeout)
            // Not run: the node is a replica now. Another connection (to the master) may take it.
            if let error = Self.readOnly([reply], on: connection) { throw error.unsent }
            return reply
        }
        if case .error(let message) = reply { throw RedisError(code: .serverError, message: message) }
        return reply
    }

    /// Sends a command and returns its reply: `try await client.send("GET", key)`.
    package func send(_ name: String, _ arguments: String...) async throws -> RESPValue {
        try await send([name] + arguments)
    }

    /// Sends `commands` in one write on one connection and returns their replies in order; error replies are
    /// returned, not thrown.
    package func pipeline(_ commands: [[String]]) async throws -> [RESPValue] {
        try await onConnection { connection in
            let replies = try await connection.send(commands, timeout: configuration.commandTimeout)
            if let error = Self.readOnly(replies, on: connection) { throw error }
            return replies
        }
    }

    /// Sends `commands` on one connection, `batchSize` at a time, and returns their replies in order; error
    /// replies are returned, not thrown. If that connection closes midway (a server restart), the rest fail
    /// rather than go to another connection, so that all of `commands` reach the same server's data.
    package func pipeline(_ commands: [[String]], batchSize: Int) async throws -> [RESPValue] {
        let connection = try await connection()
        var replies: [RESPValue] = []
        replies.reserveCapacity(commands.count)
        var start = commands.startIndex
        while start < commands.endIndex {
            let end = min(start + max(1, batchSize), commands.endIndex)
            let batch = try await connection.send(Array(commands[start..<end]), timeout: configuration.commandTimeout)
            if let error = Self.readOnly(batch, on: connection) { throw error }
            replies += batch
            start = end
        }
        return replies
    }

    /// Closes every connection once those being opened are open. Later commands throw `clientClosed`.
    public func close() async {
        let slots = state.withLock { state in
            state.isClosed = true
            return state.slots
        }
        for slot in slots {
            switch slot {
            case .connected(let connection): await connection.close()
            case .connecting(let future, _): _ = try? await future.get()
            case .idle: break
            }
        }
    }

    /// When a reply is `-READONLY` (a master turned into a replica by a failover), closes `connection`, so that
    /// the next one is opened to the master, and returns the error to throw.
    private static func readOnly(_ replies: [RESPValue], on connection: RedisConnection) -> RedisError? {
        for case .error(let message) in replies where message.hasPrefix("READONLY") || message.contains(" READONLY ") {
            connection.retire()
            return RedisError(code: .connectionClosed, message: "The Redis node is a replica now (\(message)); reconnecting")
        }
        return nil
    }

    /// Runs `body` on a connection; once more on another if the first failed before the command went out
    /// (it broke or closed just as it was picked), which cannot run a command twice.
    private func onConnection<T>(_ body: (RedisConnection) async throws -> T) async throws -> T {
        do {
            return try await body(connection())
        } catch let error as RedisError where error.isUnsent {
            return try await body(connection())
        }
    }

    /// An open connection of the pool, without waiting: nil when none is open (or the client is closed).
    func openConnection() -> RedisConnection? {
        state.withLock { state in
            guard !state.isClosed else { return nil }
            for offset in 0..<state.slots.count {
                let index = (state.next + offset) % state.slots.count
                if case .connected(let connection) = state.slots[index], connection.isActive {
                    state.next = (index + 1) % state.slots.count
                    return connection
                }
            }
            return nil
        }
    }

    /// An open connection: one of the pool's, opened now if need be.
    private func connection() async throws -> RedisConnection {
        let choice = state.withLock { state -> Choice in
            guard !state.isClosed else { return .fail(.clientClosed) }
            let index = state.next
            state.next = (state.next + 1) % state.slots.count
            var failures = 0
            switch state.slots[index] {
            case .connected(let connection) where connection.isActive:
                return .use(connection)
            case .connecting(let future, _):
                return .wait(future)
            case .connected:
                break
            case .idle(let failed, let retryAt, let lastError):
                failures = failed
                guard retryAt <= .now() else {
                    for case .connected(let connection) in state.slots where connection.isActive { return .use(connection) }
                    let reason = lastError?.message ?? "Cannot connect to Redis"
                    let wait = Double((retryAt - .now()).nanoseconds) / 1e9
                    return .fail(RedisError(code: .connectionFailed, message: "\(reason) (next attempt in \(wait.formatted)s)"))
                }
            }
            let promise = eventLoopGroup.next().makePromise(of: RedisConnection.self)
            state.slots[index] = .connecting(promise.futureResult, failures: failures)
            return .connect(slot: index, failures: failures, promise)
        }
        switch choice {
        case .use(let connection): return connection
        case .wait(let future): return try await future.get()
        case .fail(let error): throw error
        case .connect(let index, let failures, let promise): return try await connect(slot: index, failures: failures, promise)
        }
    }

    private func connect(slot index: Int, failures: Int, _ promise: EventLoopPromise<RedisConnection>) async throws -> RedisConnection {
        do {
            let (connection, master) = try await RedisConnection.open(configuration, tls: tls?.get(), on: promise.futureResult.eventLoop)
            let (isClosed, previousMaster) = state.withLock { state in
                if !state.isClosed { state.slots[index] = .connected(connection) }
                let previous = state.master
                if let master, previous != master {
                    if previous != nil { state.masterChanges += 1 }
                    state.master = master
                }
                return (state.isClosed, previous)
            }
            if let master, let previousMaster, master != previousMaster {
                logger.notice(
                    "The Redis master changed",
                    metadata: ["redis": "\(configuration)", "master": "\(master)", "previous": "\(previousMaster)"]
                )
            }
            if isClosed {
                await connection.close()
                throw RedisError.clientClosed
            }
            if failures > 0 { logger.info("Reconnected to Redis", metadata: ["redis": "\(configuration)"]) }
            promise.succeed(connection)
            return connection
        } catch {
            let error = error as? RedisError ?? RedisError(code: .connectionFailed, message: "\(error)")
            let delay = configuration.reconnectDelay(afterFailures: failures + 1)
            state.withLock { state in
                guard !state.isClosed else { return }
                state.slots[index] = .idle(failures: failures + 1, retryAt: .now() + TimeAmount(delay), lastError: error)
            }
            logger.warning("Cannot connect to Redis", metadata: ["redis": "\(configuration)", "error": "\(error)"])
            promise.fail(error)
            throw error
        }
    }
}

extension Double {
    /// The number with at most one decimal.
    fileprivate var formatted: String { String((self * 10).rounded() / 10) }
}
