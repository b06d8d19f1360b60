import Synchronization

/// Lets one operation at a time use the SQLite connection, in arrival order, so that a transaction never
/// interleaves with another statement on the same connection.
///
/// Waiting tasks suspend; the mutex is only held for the few instructions of `enter` and `leave`.
final class SerialGate: Sendable {
    private struct State {
        var isBusy = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = Mutex(State())

    /// Runs `body` once every operation that arrived before it has finished.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let entered = state.withLock { state in
                if state.isBusy {
                    state.waiters.append(continuation)
                    return false
                }
                state.isBusy = true
                return true
            }
            if entered { continuation.resume() }
        }
    }

    private func leave() {
        // The gate passes straight to the next waiter, so it never looks free while one is queued.
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiters.isEmpty {
                state.isBusy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        next?.resume()
    }
}
