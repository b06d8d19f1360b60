import NIOCore
import Synchronization

/// Set once a connection must take no more commands: it failed, timed out or closed. Read by the pool
/// before it picks the connection, so that no command goes to one that is about to close.
final class BrokenFlag: Sendable {
    private let value = Atomic(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
}

/// A command on its way out, with the promise its reply completes.
struct RedisRequest: Sendable {
    let command: [String]
    let promise: EventLoopPromise<RESPValue>
}

/// Encodes commands and matches replies to them in order, so that many can be in flight (pipelining).
///
/// A malformed or unexpected reply closes the channel; when it closes, every pending command fails.
final class RedisCommandHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = RedisRequest
    typealias OutboundOut = ByteBuffer

    private var parser: RESPParser
    private var pending = CircularBuffer<EventLoopPromise<RESPValue>>(initialCapacity: 16)
    private var closedError: RedisError?
    private let broken: BrokenFlag

    init(parser: RESPParser = RESPParser(), broken: BrokenFlag = BrokenFlag()) {
        self.parser = parser
        self.broken = broken
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let request = unwrapOutboundIn(data)
        if let closedError {
            request.promise.fail(closedError.unsent)
            promise?.fail(closedError.unsent)
            return
        }
        pending.append(request.promise)
        var buffer = context.channel.allocator.buffer(capacity: 64)
        RESPEncoder.encode(request.command, into: &buffer)
        context.write(wrapOutboundOut(buffer), promise: promise)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        parser.append(unwrapInboundIn(data))
        do {
            while case .value(let reply) = try parser.next() {
                if case .push = reply { continue }  // out-of-band (RESP3), never a reply
                guard let promise = pending.popFirst() else {
                    throw RedisError.protocolError("Redis sent a reply to no command")
                }
                promise.succeed(reply)
            }
        } catch {
            failAll(error as? RedisError ?? .protocolError)
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failAll(.connectionClosed)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failAll(RedisError(code: .connectionClosed, message: "The Redis connection failed: \(error)"))
        context.close(promise: nil)
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        failAll(.connectionClosed)
    }

    private func failAll(_ error: RedisError) {
        broken.set()
        if closedError == nil { closedError = error }
        while let promise = pending.popFirst() { promise.fail(error) }
    }
}
