import Logging
import NIOCore
import Synchronization

/// Counts a server's open connections, for `JWT_AUTH_MAX_CONNECTIONS`: each is counted when accepted
/// and until it closes, refused or not.
final class ConnectionCounter: Sendable {
    /// The most connections open at once.
    let limit: Int
    private let count = Atomic<Int>(0)
    private let logger: Logger

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Counts `channel` until it closes.
    /// - Returns: whether it is within the limit; if not, the caller closes it.
    func admit(_ channel: any Channel) -> Bool {
        let (_, open) = count.add(1, ordering: .relaxed)
        channel.closeFuture.whenComplete { _ in self.count.subtract(1, ordering: .relaxed) }
        if open == limit + 1 {
            // Once each time the limit is reached, not once per refused connection.
            logger.warning("Connection limit reached: new connections are closed until one ends", metadata: ["limit": "\(limit)"])
        }
        return open <= limit
    }
}
