import NIOCore
import Synchronization

/// `MGET`s on a client in which concurrent callers' keys go together: while one is in flight, the reads
/// requested meanwhile wait and go together in the next one (``ReadBatching``). Each caller gets the values
/// of its own keys and of ``sharedKeys`` (read once per `MGET`); an error fails every read of the batch.
///
/// The next `MGET` is written by the connection's event loop as soon as the reply to the last one is read, on
/// the same connection, and the callers are resumed from there: under load one command, one write and one
/// read serve many requests' checks, and no task wakes in between.
package final class RedisBatchedReads: Sendable {
    package let client: RedisClient
    /// Keys put at the end of every `MGET`, whose values every caller gets.
    package let sharedKeys: [String]
    private let batching: Mutex<ReadBatching<Waiter>>

    private struct Waiter: Sendable {
        let keys: [String]
        /// Resumed exactly once: with the values when the batch's reply is in, or with its error.
        let continuation: UnsafeContinuation<Values, any Error>
    }

    /// A caller's values and those of the shared keys: two slices of the reply, not copies.
    package typealias Values = (own: ArraySlice<RESPValue>, shared: ArraySlice<RESPValue>)

    /// Reads on `client`. Defaults to at most 128 callers per `MGET`.
    package init(client: RedisClient, sharedKeys: [String], maximumBatch: Int = 128) {
        self.client = client
        self.sharedKeys = sharedKeys
        self.batching = Mutex(ReadBatching(maximumBatch: maximumBatch))
    }

    /// The values of `keys` and those of ``sharedKeys``, from an `MGET` sent after this call began.
    /// - Throws: ``RedisError`` when that `MGET` failed or its reply is not an array of the right size.
    package func read(_ keys: [String]) async throws -> Values {
        try await withUnsafeThrowingContinuation { continuation in
            let waiter = Waiter(keys: keys, continuation: continuation)
            if batching.withLock({ $0.requested(waiter) }) { send([waiter], preferring: nil) }
        }
    }

    /// Sends one `MGET` for `batch`: on `preferred` when it is open (the connection whose event loop runs
    /// this), else on an open one of the pool, else through the client, which opens one.
    private func send(_ batch: [Waiter], preferring preferred: RedisConnection?) {
        let command = mget(batch)
        let timeout = client.configuration.commandTimeout
        if let connection = preferred.flatMap({ $0.isActive ? $0 : nil }) ?? client.openConnection() {
            connection.send(command, timeout: timeout).whenComplete { result in
                // Never written (the connection broke as it was picked): the client may take it elsewhere.
                if case .failure(let error as RedisError) = result, error.isUnsent {
                    self.sendThroughClient(batch, command)
                } else {
                    self.finish(batch, command, result, on: connection)
                }
            }
        } else {
            sendThroughClient(batch, command)
        }
    }

    private func mget(_ batch: [Waiter]) -> [String] {
        var command = ["MGET"]
        command.reserveCapacity(1 + batch.reduce(0) { $0 + $1.keys.count } + sharedKeys.count)
        for waiter in batch { command += waiter.keys }
        return command + sharedKeys
    }

    private func sendThroughClient(_ batch: [Waiter], _ command: [String]) {
        Task {
            do {
                finish(batch, command, .success(try await client.send(command)), on: nil)
            } catch {
                finish(batch, command, .failure(error), on: nil)
            }
        }
    }

    /// Sends the reads that waited meanwhile, then answers `batch`.
    private func finish(_ batch: [Waiter], _ command: [String], _ reply: Result<RESPValue, any Error>, on connection: RedisConnection?) {
        if let next = batching.withLock({ $0.finished() }) { send(next, preferring: connection) }
        let values: [RESPValue]
        switch reply {
        case .success(.array(let array?)) where array.count == command.count - 1:
            values = array
        case .success(.error(let message)):
            return fail(batch, RedisError(code: .serverError, message: message))
        case .success:
            return fail(batch, RedisError.protocolError("Unexpected reply to MGET"))
        case .failure(let error):
            return fail(batch, error)
        }
        let shared = values.suffix(sharedKeys.count)
        var start = values.startIndex
        for waiter in batch {
            let end = start + waiter.keys.count
            waiter.continuation.resume(returning: (values[start..<end], shared))
            start = end
        }
    }

    private func fail(_ batch: [Waiter], _ error: any Error) {
        for waiter in batch { waiter.continuation.resume(throwing: error) }
    }
}
