import Hummingbird
import HummingbirdCore
import Logging
import NIOCore

/// Hummingbird's HTTP/1 child channel within the service's connection limits: past ``ConnectionCounter``'s
/// limit a new connection is closed as soon as it is accepted, with no response; an admitted one gets an
/// ``InboundBytesObserver`` at the front of its pipeline and a ``RequestDeadlineHandler`` after the HTTP
/// decoder, which close it when its client is too slow or idle.
struct LimitedHTTP1Channel: ServerChildChannel {
    typealias Value = HTTP1Channel.Value

    /// Refused past the connection limit; the connection is already closed.
    struct ConnectionRefused: Error {}

    let http1: HTTP1Channel
    let connections: ConnectionCounter

    init(responder: @escaping HTTPChannelHandler.Responder, idleTimeout: TimeAmount, connections: ConnectionCounter) {
        self.http1 = HTTP1Channel(
            responder: responder,
            configuration: .init(additionalChannelHandlers: [RequestDeadlineHandler(timeout: idleTimeout)])
        )
        self.connections = connections
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        guard connections.admit(channel) else {
            // A failed setup drops the channel without closing it: close it here.
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        let observer = InboundBytesObserver()
        do {
            try channel.pipeline.syncOperations.addHandler(observer, position: .first)
        } catch {
            channel.close(promise: nil)
            return channel.eventLoop.makeFailedFuture(error)
        }
        // Set up on the channel's event loop, where the observer and the deadline handler run.
        let bound = NIOLoopBound(observer, eventLoop: channel.eventLoop)
        return http1.setup(channel: channel, logger: logger).map { value in
            bound.value.deadlines = try? channel.pipeline.syncOperations.handler(type: RequestDeadlineHandler.self)
            return value
        }
    }

    func handle(value: Value, logger: Logger) async {
        await http1.handle(value: value, logger: logger)
    }
}
