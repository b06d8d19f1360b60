import HummingbirdBcrypt
public import JWTAuth
import Metrics
import NIOCore
public import NIOPosix
import Synchronization
import Tracing

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// bcrypt on a thread pool, never on an event loop. Checking a password for an unknown user costs the
/// same work as for a known one.
///
/// By default bcrypt runs on ``defaultThreadPool``: threads of its own, at a lower scheduling priority, so
/// that a flood of logins slows the logins and not the event loops answering every other request.
public final class PasswordHasher: Sendable {
    /// The bcrypt cost (log2 rounds). Defaults to 12; tests use 4.
    public let cost: UInt8
    public let threadPool: NIOThreadPool
    /// Hashes that may wait for a thread beyond those running; past it a new one fails with `unavailable`
    /// (`Retry-After: 1`) instead of queueing without end. Defaults to 64.
    public let maximumWaiting: Int
    private let dummyHash: String
    private let queued = Atomic<Int>(0)
    private let started = Atomic<Int>(0)
    private let metrics: (queue: Gauge, duration: Timer, wait: Timer)

    /// - Precondition: `cost` is within bcrypt's range 4...31.
    /// bcrypt's own pool: one thread per core the process may use, each at nice 19 once it runs bcrypt.
    public static let defaultThreadPool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, System.coreCount))
        pool.start()
        return pool
    }()

    /// Whether the pool's threads are ours to lower in priority (never a pool the caller shares).
    private let lowersPriority: Bool

    public init(cost: UInt8 = 12, threadPool: NIOThreadPool = PasswordHasher.defaultThreadPool, maximumWaiting: Int = 64) {
        precondition((4...31).contains(cost), "bcrypt cost must be 4...31")
        self.cost = cost
        self.threadPool = threadPool
        self.maximumWaiting = maximumWaiting
        self.lowersPriority = threadPool === Self.defaultThreadPool
        // A hash of a random password at the same cost, so that an unknown user costs one full verification.
        self.dummyHash = Bcrypt.hash(String(UInt64.random(in: .min ... .max), radix: 36), cost: cost)
        self.metrics = (
            Gauge(label: "jwt_auth_bcrypt_queue_depth"), Timer(label: "jwt_auth_bcrypt_duration_seconds"),
            Timer(label: "jwt_auth_bcrypt_wait_seconds")
        )
    }

    /// The hashes running or waiting now.
    public var inFlight: Int { queued.load(ordering: .relaxed) }
    /// How many hashes or verifications were let through to bcrypt, for tests.
    package var runCount: Int { started.load(ordering: .relaxed) }

    /// The bcrypt hash of `password`, in a span `bcrypt.hash`.
    /// - Throws: `unavailable` (with `retryAfter` 1) when ``maximumWaiting`` hashes already wait.
    public func hash(_ password: String) async throws -> String {
        try await run("bcrypt.hash") { [cost] in Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`, in a span `bcrypt.verify`; with a nil hash, does the same work and
    /// returns false.
    /// - Throws: `unavailable` (with `retryAfter` 1) when ``maximumWaiting`` hashes already wait.
    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let matches = try await run("bcrypt.verify") { [dummyHash] in Bcrypt.verify(password, hash: hash ?? dummyHash) }
        return matches && hash != nil
    }

    /// `work` on the pool, in a span of its own named `operation` (what it waited for a thread included).
    private func run<Result: Sendable>(_ operation: String, _ work: @escaping @Sendable () -> Result) async throws -> Result {
        try await ServiceSpan.run(operation) { span in
            span.attributes["jwt_auth.bcrypt.cost"] = Int(cost)
            return try await run(work)
        }
    }

    private func run<Result: Sendable>(_ work: @escaping @Sendable () -> Result) async throws -> Result {
        let depth = queued.wrappingAdd(1, ordering: .relaxed).newValue
        // Those beyond one per core wait for a thread.
        guard depth - System.coreCount <= maximumWaiting else {
            queued.wrappingSubtract(1, ordering: .relaxed)
            throw JWTAuthError(code: .unavailable, message: "Too many password checks in progress, try again shortly", retryAfter: 1)
        }
        started.wrappingAdd(1, ordering: .relaxed)
        metrics.queue.record(depth)
        let start = ContinuousClock.now
        defer {
            metrics.queue.record(queued.wrappingSubtract(1, ordering: .relaxed).newValue)
            metrics.duration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        }
        let wait = metrics.wait
        guard lowersPriority else {
            return try await threadPool.runIfActive {
                wait.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
                return work()
            }
        }
        return try await threadPool.runIfActive {
            wait.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
            Self.lowerThisThreadsPriority()
            return work()
        }
    }

    /// Nice 19 for the calling thread (Linux's nice value is per thread); once set, setting it again is a
    /// cheap system call next to a bcrypt run. Lowering one's own priority needs no privilege.
    private static func lowerThisThreadsPriority() {
        #if os(Linux)
        // who = 0 is the calling task, that is this thread, not the whole process (kernel/sys.c).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 19)
        #endif
    }
}
