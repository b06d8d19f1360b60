import NIOCore

/// Tells ``RequestDeadlineHandler`` that bytes came from the client, before it passes them on: the first
/// handler of a connection, so that a request head's deadline starts at its first byte, which the HTTP
/// decoder keeps to itself until the head is complete.
final class InboundBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The user event fired before each read while ``deadlines`` is not known.
    struct BytesReceived: Sendable {}

    /// The connection's deadline handler, once the pipeline is set up: told directly, on the same event
    /// loop, rather than through an event that passes every handler in between.
    var deadlines: RequestDeadlineHandler?

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if let deadlines {
            deadlines.bytesReceived()
        } else {
            context.fireUserInboundEventTriggered(BytesReceived())
        }
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension InboundBytesObserver: Sendable {}
