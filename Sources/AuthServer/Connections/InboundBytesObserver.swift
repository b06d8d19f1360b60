import NIOCore

/// Tells the handlers after it that bytes came from the client, before it passes them on: the first
/// handler of a connection, so that ``RequestDeadlineHandler`` can start a request head's deadline at its
/// first byte, which the HTTP decoder keeps to itself until the head is complete.
final class InboundBytesObserver: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    /// The user event fired before each read.
    struct BytesReceived: Sendable {}

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.fireUserInboundEventTriggered(BytesReceived())
        context.fireChannelRead(data)
    }
}

@available(*, unavailable)
extension InboundBytesObserver: Sendable {}
