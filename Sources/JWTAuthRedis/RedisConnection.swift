import NIOCore
import NIOPosix
import NIOSSL

/// One TCP (or TLS) connection to Redis, authenticated and on its database; commands sent on it are pipelined.
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

    /// Connects to `host`:`port` (through TLS when `tls` is given), then sends `setup` and returns with its
    /// replies.
    /// - Throws: ``RedisError/Code/connectionFailed`` when no connection could be made (a failed TLS handshake
    ///   included); the first error reply of `setup` as ``RedisError/Code/serverError``.
    static func connect(
        host: String,
        port: Int,
        setup: [[String]],
        _ configuration: RedisConfiguration,
        tls: NIOSSLContext?,
        on eventLoop: any EventLoop
    ) async throws -> (RedisConnection, [RESPValue]) {
        let broken = BrokenFlag()
        let handshake = tls.map { _ in eventLoop.makePromise(of: Void.self) }
        let serverName = configuration.tls?.serverName ?? (host.isIPAddress ? nil : host)
        let bootstrap = ClientBootstrap(group: eventLoop)
            .connectTimeout(TimeAmount(configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let tls, let handshake {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: serverName))
                        try channel.pipeline.syncOperations.addHandler(TLSHandshakeHandler(handshake))
                    }
                    try channel.pipeline.syncOperations.addHandler(RedisCommandHandler(broken: broken))
                }
            }
        let address = "\(RedisConfiguration.hostText(host)):\(port)"
        let channel: any Channel
        do {
            channel = try await bootstrap.connect(host: host, port: port).get()
        } catch {
            handshake?.fail(error)
            throw RedisError(code: .connectionFailed, message: "Cannot connect to Redis at \(address): \(error)")
        }
        if let handshake {
            // The timeout covers the handshake too: a server that accepts but never answers.
            let timer = eventLoop.scheduleTask(in: TimeAmount(configuration.connectTimeout)) {
                handshake.fail(RedisError(code: .timeout, message: "no TLS handshake within the connect timeout"))
            }
            defer { timer.cancel() }
            do {
                try await handshake.futureResult.get()
            } catch {
                try? await channel.close()
                let reason = (error as? RedisError)?.message ?? TLSHandshakeHandler.explain(error, serverName: serverName)
                throw RedisError(code: .connectionFailed, message: "TLS with Redis at \(address) failed: \(reason)")
            }
        }
        let connection = RedisConnection(channel: channel, broken: broken)
        do {
            let replies = try await connection.send(setup, timeout: configuration.commandTimeout)
            for reply in replies {
                if case .error(let message) = reply { throw RedisError(code: .serverError, message: message) }
            }
            return (connection, replies)
        } catch {
            await connection.close()
            // An error reply (WRONGPASS, a bad database) would come again. Otherwise the connection broke
            // before the caller's command was sent: another connection may take it.
            guard let error = error as? RedisError else {
                throw RedisError(code: .connectionFailed, message: "\(error)", isUnsent: true)
            }
            throw error.code == .serverError ? error : error.unsent
        }
    }

    /// `AUTH` with `password` (and `username`), when there is a password.
    static func authCommand(username: String?, password: String?) -> [[String]] {
        guard let password else { return [] }
        return [username.map { ["AUTH", $0, password] } ?? ["AUTH", password]]
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
        eventLoop.execute { [self] in
            for (command, promise) in zip(commands, promises) { write(command, promise) }
            flushSoon()
        }
        var replies: [RESPValue] = []
        replies.reserveCapacity(promises.count)
        for promise in promises { replies.append(try await promise.futureResult.get()) }
        return replies
    }

    /// Sends one command and returns its reply's future (an error reply is its value, not a failure), without
    /// a hop when called on the connection's event loop: there the command is written at once.
    /// - Throws: As ``send(_:timeout:)-([[String]],_)``, through the future.
    func send(_ command: [String], timeout: Duration) -> EventLoopFuture<RESPValue> {
        let eventLoop = channel.eventLoop
        let promise = eventLoop.makePromise(of: RESPValue.self)
        let timer = eventLoop.scheduleTask(in: TimeAmount(timeout)) { [channel, broken] in
            broken.set()
            promise.fail(RedisError.timeout)
            channel.close(promise: nil)
        }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        if eventLoop.inEventLoop {
            write(command, promise)
            flushSoon()
        } else {
            eventLoop.execute { [self] in
                write(command, promise)
                flushSoon()
            }
        }
        return promise.futureResult
    }

    /// Writes `command` (on the event loop), its reply to complete `promise`.
    private func write(_ command: [String], _ promise: EventLoopPromise<RESPValue>) {
        let written = channel.eventLoop.makePromise(of: Void.self)
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

    /// Flushes once the event loop has run what is queued (on the event loop): commands written before then
    /// leave in one write.
    private func flushSoon() {
        guard !flushQueued.value else { return }
        flushQueued.value = true
        channel.eventLoop.execute { [channel, flushQueued] in
            flushQueued.value = false
            channel.flush()
        }
    }

    /// Takes the connection out of use and closes it without waiting: pending commands fail with
    /// ``RedisError/Code/connectionClosed``.
    func retire() {
        broken.set()
        channel.close(promise: nil)
    }

    /// Closes the connection; pending commands fail with ``RedisError/Code/connectionClosed``.
    func close() async {
        try? await channel.close()
    }
}
