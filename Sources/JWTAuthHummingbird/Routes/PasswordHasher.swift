import HummingbirdBcrypt
import Metrics
public import NIOPosix
import Synchronization

/// bcrypt on a thread pool, never on an event loop. Checking a password for an unknown user costs the
/// same work as for a known one.
public final class PasswordHasher: Sendable {
    /// The bcrypt cost (log2 rounds). Defaults to 12; tests use 4.
    public let cost: UInt8
    public let threadPool: NIOThreadPool
    private let dummyHash: String
    private let queued = Atomic<Int>(0)
    private let metrics: (queue: Gauge, duration: Timer)

    /// - Precondition: `cost` is within bcrypt's range 4...31.
    public init(cost: UInt8 = 12, threadPool: NIOThreadPool = .singleton) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4...31")
        self.cost = cost
        self.threadPool = threadPool
        // A hash of a random password at the same cost, so that an unknown user costs one full verification.
        self.dummyHash = Bcrypt.hash(String(UInt64.random(in: .min ... .max), radix: 36), cost: cost)
        self.metrics = (Gauge(label: "jwt_auth_bcrypt_queue_depth"), Timer(label: "jwt_auth_bcrypt_duration_seconds"))
    }

    /// The bcrypt hash of `password`.
    public func hash(_ password: String) async throws -> String {
        try await run { [cost] in Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; with a nil hash, does the same work and returns false.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let matches = try await run { [dummyHash] in Bcrypt.verify(password, hash: hash ?? dummyHash) }
        return matches && hash != nil
    }

    private func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async throws -> Result {
        let depth = queued.wrappingAdd(1, ordering: .relaxed).newValue
        metrics.queue.record(depth)
        let start = ContinuousClock.now
        defer {
            metrics.queue.record(queued.wrappingSubtract(1, ordering: .relaxed).newValue)
            metrics.duration.recordInterval(since: start)
        }
        return try await threadPool.runIfActive(work)
    }
}
