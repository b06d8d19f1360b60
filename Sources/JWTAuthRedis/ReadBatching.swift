/// Which reads go together into the next command: one batch in flight at a time, and the reads requested
/// meanwhile wait and go together in the next one.
///
/// A read never joins a batch already sent: that command may have reached Redis before a write that was
/// acknowledged before the read was requested. The caller whose read starts a batch sends it; when its
/// reply is in, ``finished()`` hands the reads that waited meanwhile to one of them, which sends those.
package struct ReadBatching<Waiter> {
    /// The most reads in one batch; the others wait for the next one.
    package let maximumBatch: Int
    package private(set) var isReading = false
    private var waiting: [Waiter] = []

    package init(maximumBatch: Int) {
        self.maximumBatch = max(1, maximumBatch)
    }

    /// How many reads wait for the next batch.
    package var waitingCount: Int { waiting.count }

    /// A read is requested. Returns true when no batch is in flight: the caller sends its read now (the
    /// waiter is not kept). Otherwise the waiter waits for ``finished()``.
    package mutating func requested(_ waiter: Waiter) -> Bool {
        guard isReading else {
            isReading = true
            return true
        }
        waiting.append(waiter)
        return false
    }

    /// The batch in flight has its reply (or failed). Returns the next batch, whose first waiter sends it,
    /// or nil when none waits (then the next read requested starts one).
    package mutating func finished() -> [Waiter]? {
        precondition(isReading, "finished() without a batch in flight")
        guard !waiting.isEmpty else {
            isReading = false
            return nil
        }
        let count = min(maximumBatch, waiting.count)
        let batch = Array(waiting[..<count])
        waiting.removeFirst(count)
        return batch
    }
}
