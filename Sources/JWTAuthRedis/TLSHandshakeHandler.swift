import NIOCore
import NIOSSL
import NIOTLS

/// Completes a promise when the TLS handshake has completed, or fails it with the reason it did not, so that
/// a connection is used only once the server's certificate and name were verified.
final class TLSHandshakeHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    private let promise: EventLoopPromise<Void>

    init(_ promise: EventLoopPromise<Void>) { self.promise = promise }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSUserEvent, case .handshakeCompleted = event { promise.succeed() }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise.fail(error)
        context.fireErrorCaught(error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise.fail(RedisError(code: .connectionClosed, message: "the server closed the connection during the TLS handshake"))
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        promise.fail(RedisError.connectionClosed)
    }

    /// What a failed handshake means, for the error message.
    static func explain(_ error: any Error, serverName: String?) -> String {
        let text = "\(error)"
        if text.contains("CERTIFICATE_VERIFY_FAILED") {
            return "the server's certificate is not signed by a trusted CA (\(text))"
        }
        if error is NIOSSLExtraError, text.contains("validate") || text.contains("Couldn't find") {
            return "the server's certificate is not for \(serverName ?? "the address connected to") (\(text))"
        }
        return text
    }
}

extension String {
    /// Whether the text is an IPv4 or IPv6 address (which TLS verifies against the certificate's IP
    /// addresses, and never sends as SNI).
    var isIPAddress: Bool { (try? SocketAddress(ipAddress: self, port: 0)) != nil }
}
