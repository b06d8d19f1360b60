import NIOCore
import NIOHTTPTypes

/// Closes a connection whose client is too slow or idle, as ``ConnectionDeadlines`` rules: placed after
/// the HTTP decoder, it sees each request's head and end, each response's end, and the
/// ``InboundBytesObserver`` events from the front of the pipeline. One timer runs per phase.
final class RequestDeadlineHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    private let timeout: TimeAmount
    private var deadlines: ConnectionDeadlines?
    private var timer: Scheduled<Void>?
    /// When ``timer`` fires. A deadline that moves later leaves the timer alone (it looks again when it
    /// fires), so that a keep-alive connection's requests schedule no timer each.
    private var timerDeadline: NIODeadline?
    /// This handler's context while it is in the pipeline, for ``bytesReceived()``.
    private var context: ChannelHandlerContext?

    init(timeout: TimeAmount) {
        self.timeout = timeout
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context: context) }
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context: context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        guard event is InboundBytesObserver.BytesReceived else {
            context.fireUserInboundEventTriggered(event)
            return
        }
        update(context: context) { $0.bytesReceived(now: $1) }
    }

    /// Bytes came from the client (``InboundBytesObserver``, on this channel's event loop).
    func bytesReceived() {
        guard let context else { return }
        update(context: context) { $0.bytesReceived(now: $1) }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head: update(context: context) { $0.headReceived(now: $1) }
        case .end: update(context: context) { $0.endReceived(now: $1) }
        case .body: break
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            update(context: context) { $0.responseEnded(now: $1) }
        }
        context.write(data, promise: promise)
    }

    private func start(context: ChannelHandlerContext) {
        guard deadlines == nil else { return }
        deadlines = ConnectionDeadlines(timeout: timeout, now: context.eventLoop.now)
        schedule(context: context)
    }

    /// Applies `event`; schedules the timer only when no timer would fire by the new deadline.
    private func update(context: ChannelHandlerContext, _ event: (inout ConnectionDeadlines, NIODeadline) -> Void) {
        guard var state = deadlines else { return }
        event(&state, context.eventLoop.now)
        deadlines = state
        guard let deadline = state.deadline else { return }
        if let timerDeadline, timerDeadline <= deadline { return }
        schedule(context: context)
    }

    /// A timer for the current deadline; when it fires, the connection closes if the deadline has passed,
    /// else the timer is set again for the deadline as it now is.
    private func schedule(context: ChannelHandlerContext) {
        cancelTimer()
        guard let deadline = deadlines?.deadline else { return }
        timerDeadline = deadline
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
            self.timer = nil
            self.timerDeadline = nil
            guard let state = self.deadlines else { return }
            if state.isExpired(now: context.eventLoop.now) {
                context.close(promise: nil)
            } else {
                self.schedule(context: context)
            }
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }
}

@available(*, unavailable)
extension RequestDeadlineHandler: Sendable {}
