import Synchronization

/// `MGET`s on a client in which concurrent callers' keys go together: while one is in flight, the reads
/// requested meanwhile wait and go together in the next one (``ReadBatching``). Each caller gets the values
/// of its own keys and of ``sharedKeys`` (read once per `MGET`); an error fails every read of the batch.
///
/// Under load this sends one command, and wakes the connection's event loop once, for many requests' checks.
package final class RedisBatchedReads: Sendable {
    package let client: RedisClient
    /// Keys put at the end of every `MGET`, whose values every caller gets.
    package let sharedKeys: [String]
    private let batching: Mutex<ReadBatching<Waiter>>

    private struct Waiter: Sendable {
        let keys: [String]
        let continuation: CheckedContinuation<Outcome, any Error>
    }

    private enum Outcome: Sendable {
        /// The caller's values, then those of the shared keys.
        case values(ArraySlice<RESPValue>)
        /// The caller sends the next `MGET`: for its keys, then for these waiters'.
        case send(others: ArraySlice<Waiter>)
    }

    /// Reads on `client`. Defaults to at most 128 callers per `MGET`.
    package init(client: RedisClient, sharedKeys: [String], maximumBatch: Int = 128) {
        self.client = client
        self.sharedKeys = sharedKeys
        self.batching = Mutex(ReadBatching(maximumBatch: maximumBatch))
    }

    /// The values of `keys`, then those of ``sharedKeys``, from an `MGET` sent after this call began.
    /// - Throws: ``RedisError`` when that `MGET` failed or its reply is not an array of the right size.
    package func read(_ keys: [String]) async throws -> ArraySlice<RESPValue> {
        let outcome = try await withCheckedThrowingContinuation { continuation in
            if batching.withLock({ $0.requested(Waiter(keys: keys, continuation: continuation)) }) {
                continuation.resume(returning: .send(others: []))
            }
        }
        switch outcome {
        case .values(let values): return values
        case .send(let others): return try await send(keys, others: others)
        }
    }

    /// Sends one `MGET` for `keys` and the waiters', hands the reads requested meanwhile to the next sender,
    /// then answers the waiters.
    private func send(_ keys: [String], others: ArraySlice<Waiter>) async throws -> ArraySlice<RESPValue> {
        var command = ["MGET"]
        command.reserveCapacity(1 + keys.count + others.reduce(0) { $0 + $1.keys.count } + sharedKeys.count)
        command += keys
        for waiter in others { command += waiter.keys }
        command += sharedKeys
        let result: Result<[RESPValue], any Error>
        do {
            guard case .array(let values?) = try await client.send(command), values.count == command.count - 1 else {
                throw RedisError.protocolError("Unexpected reply to MGET")
            }
            result = .success(values)
        } catch {
            result = .failure(error)
        }
        if let next = batching.withLock({ $0.finished() }), let sender = next.first {
            sender.continuation.resume(returning: .send(others: next.dropFirst()))
        }
        switch result {
        case .failure(let error):
            for waiter in others { waiter.continuation.resume(throwing: error) }
            throw error
        case .success(let values):
            let shared = values.suffix(sharedKeys.count)
            var start = keys.count
            for waiter in others {
                let end = start + waiter.keys.count
                waiter.continuation.resume(returning: .values(values[start..<end] + shared))
                start = end
            }
            return values[..<keys.count] + shared
        }
    }
}
