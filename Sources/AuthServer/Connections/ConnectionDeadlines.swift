import NIOCore

/// The read deadlines of one HTTP/1 connection as a state machine: a connection idle for `timeout`
/// (before its first request or between requests) is closed, a request head must be complete within
/// `timeout` of its first byte, and its body within `timeout` of the head.
///
/// Each deadline is set once, when its phase begins: bytes that trickle in never move it, so a client
/// sending one byte at a time cannot hold a connection. While the service is answering every request it
/// has read, there is no deadline.
struct ConnectionDeadlines: Sendable, Equatable {
    enum Phase: Sendable, Equatable {
        /// No request is being read or answered.
        case idle
        /// The first bytes of a request head have come; the head has not.
        case head
        /// The head has come; the end of its body has not.
        case body
        /// Every request read is complete and not every one has been answered.
        case answering
    }

    let timeout: TimeAmount
    private(set) var phase = Phase.idle
    /// When the connection is closed unless the phase ends first; nil while answering.
    private(set) var deadline: NIODeadline?
    /// Requests read whose response has not ended.
    private var unanswered = 0
    /// Whether bytes of a further request came while answering (HTTP/1 pipelining).
    private var hasPendingBytes = false

    /// A connection opened at `now`.
    init(timeout: TimeAmount, now: NIODeadline) {
        self.timeout = timeout
        self.deadline = now + timeout
    }

    /// Bytes came from the client.
    mutating func bytesReceived(now: NIODeadline) {
        switch phase {
        case .idle: begin(.head, now: now)
        case .answering: hasPendingBytes = true
        case .head, .body: break
        }
    }

    /// A request head was decoded.
    mutating func headReceived(now: NIODeadline) {
        unanswered += 1
        hasPendingBytes = false
        begin(.body, now: now)
    }

    /// A request's end was decoded.
    mutating func endReceived(now: NIODeadline) {
        if unanswered > 0 {
            phase = .answering
            deadline = nil
        } else {
            // Answered before its body was read: the connection is idle again.
            begin(.idle, now: now)
        }
    }

    /// A response's end was written.
    mutating func responseEnded(now: NIODeadline) {
        unanswered = max(0, unanswered - 1)
        guard unanswered == 0, phase == .answering else { return }
        // Bytes of a next request that came meanwhile started its head; its deadline starts now.
        begin(hasPendingBytes ? .head : .idle, now: now)
        hasPendingBytes = false
    }

    /// Whether the connection must be closed at `now`.
    func isExpired(now: NIODeadline) -> Bool {
        deadline.map { now >= $0 } ?? false
    }

    private mutating func begin(_ next: Phase, now: NIODeadline) {
        phase = next
        deadline = now + timeout
    }
}
