import Logging
import NIOCore
import Synchronization

/// Counts a server's open connections, for `JWT_AUTH_MAX_CONNECTIONS`: each admitted one is counted from
/// when it is accepted until it closes.
final class ConnectionCounter: Sendable {
    /// The most connections open at once.
    let limit: Int
    private let count = Atomic<Int>(0)
    /// Whether a connection was refused since an admitted one last closed (the warning is logged once).
    private let isRefusing = Atomic<Bool>(false)
    private let logger: Logger

    init(limit: Int, logger: Logger) {
        self.limit = limit
        self.logger = logger
    }

    /// Counts `channel` until it closes, when it is within the limit.
    /// - Returns: whether it is within the limit; if not, it is not counted, and the caller closes it.
    func admit(_ channel: any Channel) -> Bool {
        let (_, open) = count.add(1, ordering: .relaxed)
        guard open <= limit else {
            // Not counted: a refused connection is closed at once, and whether its close completes (it may
            // come before the channel is fully set up) must not decide when the next one is admitted.
            count.subtract(1, ordering: .relaxed)
            if !isRefusing.exchange(true, ordering: .relaxed) {
                // Once each time the limit is reached, not once per refused connection.
                logger.warning("Connection limit reached: new connections are closed until one ends", metadata: ["limit": "\(limit)"])
            }
            return false
        }
        channel.closeFuture.whenComplete { _ in
            self.count.subtract(1, ordering: .relaxed)
            self.isRefusing.store(false, ordering: .relaxed)
        }
        return true
    }
}
