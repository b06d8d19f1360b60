import JWTAuth
import Synchronization

/// A revocation store that holds the check of one subject's tokens until ``release()``, and answers
/// every other check at once ("not revoked").
final class GatedRevocationStore: RevocationStore {
    enum Event: Sendable { case suspended, finished }

    let gatedSubject: String
    private let gate = Mutex<CheckedContinuation<Void, Never>?>(nil)
    private let events: AsyncStream<Event>
    private let eventSink: AsyncStream<Event>.Continuation

    init(gatedSubject: String) {
        self.gatedSubject = gatedSubject
        (events, eventSink) = AsyncStream.makeStream(of: Event.self)
    }

    /// Whether a check is held.
    var isHolding: Bool { gate.withLock { $0 != nil } }

    /// Waits until a check is held, or until ``finished()`` says the gated request ended without one.
    func nextEvent() async -> Event? {
        for await event in events { return event }
        return nil
    }

    /// Reports that the gated request has ended, so that a test waiting in ``nextEvent()`` goes on.
    func finished() { eventSink.yield(.finished) }

    /// Lets the held check answer.
    func release() {
        gate.withLock { continuation in
            continuation?.resume()
            continuation = nil
        }
    }

    func isRevoked(_ query: RevocationQuery) async throws -> Bool {
        if query.subject == gatedSubject {
            await withCheckedContinuation { continuation in
                gate.withLock { $0 = continuation }
                eventSink.yield(.suspended)
            }
        }
        return false
    }

    func revoke(tokenID: String, until: Double) async throws {}
    func revoke(sessionID: String, until: Double) async throws {}
    func revokeAll(subject: String, issuedBefore cutoff: Double) async throws {}
}
