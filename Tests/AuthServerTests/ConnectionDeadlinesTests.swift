import NIOCore
import Testing

@testable import AuthServer

/// The read deadlines of a connection, one event per line, without sockets.
@Suite struct ConnectionDeadlinesTests {
    static let timeout = TimeAmount.seconds(30)
    static func at(_ seconds: Int64) -> NIODeadline { .uptimeNanoseconds(UInt64(seconds) * 1_000_000_000) }

    @Test("A new connection has the idle timeout to start a request")
    func newConnectionIsIdle() {
        let deadlines = ConnectionDeadlines(timeout: Self.timeout, now: Self.at(0))
        #expect(deadlines.phase == .idle)
        #expect(deadlines.deadline == Self.at(30))
        #expect(!deadlines.isExpired(now: Self.at(29)))
        #expect(deadlines.isExpired(now: Self.at(30)))
    }

    @Test("Bytes that trickle in never move the head's deadline", .bug(id: 15, "slow clients hold connections forever"))
    func headDeadlineIsSetOnce() {
        var deadlines = ConnectionDeadlines(timeout: Self.timeout, now: Self.at(0))
        deadlines.bytesReceived(now: Self.at(10))
        #expect(deadlines.phase == .head)
        #expect(deadlines.deadline == Self.at(40))
        deadlines.bytesReceived(now: Self.at(20))
        deadlines.bytesReceived(now: Self.at(39))
        #expect(deadlines.deadline == Self.at(40))
        #expect(deadlines.isExpired(now: Self.at(40)))
    }

    @Test("Body bytes that trickle in never move the body's deadline", .bug(id: 15, "slow clients hold connections forever"))
    func bodyDeadlineIsSetOnce() {
        var deadlines = ConnectionDeadlines(timeout: Self.timeout, now: Self.at(0))
        deadlines.bytesReceived(now: Self.at(1))
        deadlines.headReceived(now: Self.at(2))
        #expect(deadlines.phase == .body)
        #expect(deadlines.deadline == Self.at(32))
        deadlines.bytesReceived(now: Self.at(20))
        #expect(deadlines.deadline == Self.at(32))
    }

    @Test("No deadline while the service answers; idle again after the response")
    func answeringHasNoDeadline() {
        var deadlines = ConnectionDeadlines(timeout: Self.timeout, now: Self.at(0))
        deadlines.bytesReceived(now: Self.at(1))
        deadlines.headReceived(now: Self.at(1))
        deadlines.endReceived(now: Self.at(1))
        #expect(deadlines.phase == .answering)
        #expect(deadlines.deadline == nil)
        #expect(!deadlines.isExpired(now: Self.at(1000)))
        deadlines.responseEnded(now: Self.at(100))
        #expect(deadlines.phase == .idle)
        #expect(deadlines.deadline == Self.at(130))
    }

    @Test("A pipelined request's head started while answering gets its deadline when the answer ends")
    func pipelinedBytesStartTheHeadAfterTheResponse() {
        var deadlines = ConnectionDeadlines(timeout: Self.timeout, now: Self.at(0))
        deadlines.bytesReceived(now: Self.at(1))
        deadlines.headReceived(now: Self.at(1))
        deadlines.endReceived(now: Self.at(1))
        deadlines.bytesReceived(now: Self.at(2))
        #expect(deadlines.deadline == nil)
        deadlines.responseEnded(now: Self.at(5))
        #expect(deadlines.phase == .head)
        #expect(deadlines.deadline == Self.at(35))
    }

    @Test("Two pipelined requests: idle only once both are answered")
    func twoPipelinedRequests() {
        var deadlines = ConnectionDeadlines(timeout: Self.timeout, now: Self.at(0))
        deadlines.bytesReceived(now: Self.at(1))
        deadlines.headReceived(now: Self.at(1))
        deadlines.endReceived(now: Self.at(1))
        deadlines.headReceived(now: Self.at(1))
        deadlines.endReceived(now: Self.at(1))
        deadlines.responseEnded(now: Self.at(2))
        #expect(deadlines.phase == .answering)
        deadlines.responseEnded(now: Self.at(3))
        #expect(deadlines.phase == .idle)
        #expect(deadlines.deadline == Self.at(33))
    }

    @Test("A response sent before the body ends keeps the body's deadline")
    func earlyResponseKeepsTheBodyDeadline() {
        var deadlines = ConnectionDeadlines(timeout: Self.timeout, now: Self.at(0))
        deadlines.bytesReceived(now: Self.at(1))
        deadlines.headReceived(now: Self.at(1))
        deadlines.responseEnded(now: Self.at(2))
        #expect(deadlines.phase == .body)
        #expect(deadlines.deadline == Self.at(31))
        deadlines.endReceived(now: Self.at(3))
        #expect(deadlines.phase == .idle)
        #expect(deadlines.deadline == Self.at(33))
    }
}
