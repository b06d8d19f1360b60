import NIOCore
import NIOPosix

/// One TCP connection to Redis, authenticated and on its database; commands sent on it are pipelined.
final class RedisConnection: Sendable {
    let channel: any Channel
    private let broken: BrokenFlag
    /// Whether a flush is already queued on the event loop: commands written before it runs share it,
    /// so that concurrent requests' commands leave in one write and their replies come back in one read.
    private let flushQueued: NIOLoopBoundBox<Bool>

    private init(channel: any Channel, broken: BrokenFlag) {
        self.channel = channel
        self.broken = broken
        self.flushQueued = .makeBoxSendingValue(false, eventLoop: channel.eventLoop)
    }

    /// Whether commands can still be sent.
    var isActive: Bool { !broken.isSet && channel.isActive }

    /// Connects, then sends `AUTH` and `SELECT` as configured.
    /// - Throws: ``RedisError/Code/connectionFailed`` when no connection could be made; the error reply of
    ///   `AUTH` or `SELECT` as ``RedisError/Code/serverError``.
    static func connect(_ configuration: RedisConfiguration, on eventLoop: any EventLoop) async throws -> RedisConnection {
        let broken = BrokenFlag()
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(RedisCommandHandler(broken: broken))
                }
            }
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: configuration.host, port: configuration.port).get()
        } catch {
            throw RedisError(
                code: .connectionFailed,
                message: "Cannot connect to Redis at \(configuration.host):\(configuration.port): \(error)"
            )
        }
        let connection = RedisConnection(channel: channel, broken: broken)
        var setup: [[String]] = []
        if let password = configuration.password {
            setup.append(configuration.username.map { ["AUTH", $0, password] } ?? ["AUTH", password])
        }
        if configuration.database != 0 { setup.append(["SELECT", String(configuration.database)]) }
        do {
            for reply in try await connection.send(setup, timeout: configuration.commandTimeout) {
                if case .error(let message) = reply { throw RedisError(code: .serverError, message: message) }
            }
        } catch {
            await connection.close()
            // An error reply (WRONGPASS, a bad database) would come again. Otherwise the connection broke
            // before the caller's command was sent: another connection may take it.
            guard let error = error as? RedisError else {
                throw RedisError(code: .connectionFailed, message: "\(error)", isUnsent: true)
            }
            throw error.code == .serverError ? error : error.unsent
        }
        return connection
    }

    /// Sends one command and waits for its reply (an error reply is returned, not thrown).
    func send(_ command: [String], timeout: Duration) async throws -> RESPValue {
        try await send([command], timeout: timeout)[0]
    }

    /// Sends `commands` in one write and waits for their replies, in order.
    /// - Throws: ``RedisError/Code/timeout`` when the replies take longer than `timeout` (the connection is
    ///   then closed, since a late reply would be taken for the next command's);
    ///   ``RedisError/Code/connectionClosed`` when the connection closes first.
    func send(_ commands: [[String]], timeout: Duration) async throws -> [RESPValue] {
        guard !commands.isEmpty else { return [] }
        let eventLoop = channel.eventLoop
        let promises = commands.map { _ in eventLoop.makePromise(of: RESPValue.self) }
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) { [channel, broken] in
            broken.set()
            for promise in promises { promise.fail(RedisError.timeout) }
            channel.close(promise: nil)
        }
        // Cancelled on the event loop when the last reply comes, not when this task next runs: a caller
        // that is slow to resume (a busy executor) must not close a connection whose replies came in time.
        EventLoopFuture.andAllComplete(promises.map(\.futureResult), on: eventLoop).whenComplete { _ in timer.cancel() }
        // One hop onto the event loop for the writes; the flush is shared with every command written
        // before it runs.
        eventLoop.execute { [channel, flushQueued] in
            for (command, promise) in zip(commands, promises) {
                let written = eventLoop.makePromise(of: Void.self)
                written.futureResult.whenFailure { error in
                    if let error = error as? RedisError {
                        promise.fail(error)
                    } else {
                        // Written to a closed channel: nothing went out. Other failures may have sent part of it.
                        let unsent = error as? ChannelError == .ioOnClosedChannel
                        promise.fail(RedisError(code: .connectionClosed, message: "Cannot write to Redis: \(error)", isUnsent: unsent))
                    }
                }
                channel.write(RedisRequest(command: command, promise: promise), promise: written)
            }
            guard !flushQueued.value else { return }
            flushQueued.value = true
            eventLoop.execute {
                flushQueued.value = false
                channel.flush()
            }
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(promises.count)
        for promise in promises { replies.append(try await promise.futureResult.get()) }
        return replies
    }

    /// Closes the connection; pending commands fail with ``RedisError/Code/connectionClosed``.
    func close() async {
        try? await channel.close()
    }
}
