import JWTAuthRedis
import Testing

/// Reads requested while one batch is in flight wait, and go together in the next.
@Suite(.bug(id: 20, "concurrent revocation checks share one MGET")) struct ReadBatchingTests {
    @Test func aReadWithNothingInFlightIsSentAtOnce() {
        var batching = ReadBatching<Int>(maximumBatch: 8)
        let sendsAtOnce = batching.requested(1)
        #expect(sendsAtOnce && batching.isReading && batching.waitingCount == 0)
        let next = batching.finished()
        #expect(next == nil && !batching.isReading)
        let sendsAgain = batching.requested(2)
        #expect(sendsAgain)
    }

    @Test func readsRequestedDuringABatchGoTogetherInTheNextNeverInTheOneInFlight() {
        var batching = ReadBatching<Int>(maximumBatch: 8)
        let sent = [1, 2, 3, 4].map { batching.requested($0) }
        #expect(sent == [true, false, false, false])
        let second = batching.finished()  // 1's batch held only 1; 2 sends 2, 3 and 4
        #expect(second == [2, 3, 4] && batching.isReading)
        let sentDuringSecond = batching.requested(5)
        #expect(!sentDuringSecond)
        let third = batching.finished()
        #expect(third == [5])
        let none = batching.finished()
        #expect(none == nil && !batching.isReading)
    }

    @Test func aBatchHoldsAtMostTheMaximumTheRestWaitForTheNext() {
        var batching = ReadBatching<Int>(maximumBatch: 2)
        let sent = (0...5).map { batching.requested($0) }
        #expect(sent == [true, false, false, false, false, false])
        let batches = (0..<4).map { _ in batching.finished() }
        #expect(batches == [[1, 2], [3, 4], [5], nil])
    }
}
