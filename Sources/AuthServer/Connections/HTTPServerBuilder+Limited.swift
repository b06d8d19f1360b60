import HummingbirdCore
import Logging
import NIOCore

extension HTTPServerBuilder {
    /// HTTP/1 where a connection is closed when idle for `idleTimeout`, or when a request's head or body
    /// takes longer than that, and past `maxConnections` open connections a new one is closed at once.
    static func limitedHTTP1(idleTimeout: Duration, maxConnections: Int, logger: Logger) -> HTTPServerBuilder {
        let connections = ConnectionCounter(limit: maxConnections, logger: logger)
        return HTTPServerBuilder { responder in
            LimitedHTTP1Channel(responder: responder, idleTimeout: TimeAmount(idleTimeout), connections: connections)
        }
    }
}
