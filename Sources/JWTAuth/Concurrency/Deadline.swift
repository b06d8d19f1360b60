import Synchronization

/// Runs `body` and returns its result, or throws ``DeadlineExceeded`` once `timeout` has passed, whichever
/// comes first. The caller never waits longer than `timeout`, even when `body` ignores cancellation (a
/// query sent to a server that stopped answering): `body` then runs on, cancelled, in the background.
package func withDeadline<T: Sendable>(
    _ timeout: Duration,
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let race = DeadlineRace<T>()
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            race.start(continuation, timeout: timeout, body: body)
        }
    } onCancel: {
        race.finish(.failure(CancellationError()))
    }
}

/// The deadline passed before the operation finished.
package struct DeadlineExceeded: Error, CustomStringConvertible {
    package init() {}
    package var description: String { "The operation did not finish in time" }
}

/// Whichever of the operation, the timer and cancellation comes first resumes the caller; the others are
/// cancelled and their outcome dropped.
private final class DeadlineRace<T: Sendable>: Sendable {
    private struct State {
        var continuation: CheckedContinuation<T, any Error>?
        var outcome: Result<T, any Error>?
        var tasks: [Task<Void, Never>] = []
    }

    private let state = Mutex(State())

    func start(_ continuation: CheckedContinuation<T, any Error>, timeout: Duration, body: @escaping @Sendable () async throws -> T) {
        let early = state.withLock { state -> Result<T, any Error>? in
            if let outcome = state.outcome { return outcome }
            state.continuation = continuation
            return nil
        }
        // Cancelled before the continuation existed.
        if let early { return continuation.resume(with: early) }
        let work = Task {
            do {
                self.finish(.success(try await body()))
            } catch {
                self.finish(.failure(error))
            }
        }
        let timer = Task {
            do { try await Task.sleep(for: timeout) } catch { return }
            self.finish(.failure(DeadlineExceeded()))
        }
        let finished = state.withLock { state in
            state.tasks = [work, timer]
            return state.outcome != nil
        }
        if finished {
            work.cancel()
            timer.cancel()
        }
    }

    func finish(_ outcome: Result<T, any Error>) {
        let (continuation, tasks) = state.withLock { state -> (CheckedContinuation<T, any Error>?, [Task<Void, Never>]) in
            guard state.outcome == nil else { return (nil, []) }
            state.outcome = outcome
            defer { state.continuation = nil }
            return (state.continuation, state.tasks)
        }
        for task in tasks { task.cancel() }
        continuation?.resume(with: outcome)
    }
}
