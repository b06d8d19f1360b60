#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs `n` iterations of one implementation's operation.
enum Workload: Sendable {
    case sync(@Sendable (_ iterations: Int) throws -> Void)
    case async(@Sendable (_ iterations: Int) async throws -> Void)

    func run(_ iterations: Int, on clock: TimingClock = .wall) async throws -> Duration {
        let start = clock.now
        switch self {
        case .sync(let body): try body(iterations)
        case .async(let body): try await body(iterations)
        }
        return clock.now - start
    }
}

/// What a round is timed with.
enum TimingClock: String, Sendable {
    /// `ContinuousClock`: elapsed time, the default.
    case wall
    /// The CPU time of the whole process (every thread, so jwt-kit's actor hops count): leaves out
    /// the time other programs hold the core, which a shared machine otherwise adds to every round.
    case cpu

    var title: String { self == .wall ? "ContinuousClock" : "process CPU time" }

    var now: Duration {
        switch self {
        case .wall: return ContinuousClock.now - ContinuousClock.Instant.reference
        case .cpu:
            var time = timespec()
            clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &time)
            return .seconds(time.tv_sec) + .nanoseconds(time.tv_nsec)
        }
    }
}

extension ContinuousClock.Instant {
    /// A fixed instant, to turn instants into durations.
    static let reference = ContinuousClock.now
}

/// Keeps results alive so the optimizer cannot drop the work that made them.
enum Sink {
    nonisolated(unsafe) static var value = 0

    @inline(never)
    static func consume(_ value: Int) { Self.value &+= value }
}

/// Warm-up, then repeated timed rounds that interleave the workloads (A, B, C, A, B, C, ...), so
/// that noise from the rest of the machine falls on all of them alike. Reports the median ns/op.
struct Harness: Sendable {
    /// Timed rounds per workload.
    var rounds = 15
    /// The target length of one timed batch.
    var roundTime: Duration = .milliseconds(20)
    /// How long each workload runs before timing starts.
    var warmUpTime: Duration = .milliseconds(100)
    /// What rounds are timed with.
    var clock = TimingClock.wall

    /// The median nanoseconds per operation of each workload, in order.
    func measure(_ workloads: [Workload]) async throws -> [Double] {
        var iterations: [Int] = []
        for workload in workloads {
            iterations.append(try await warmUp(workload))
        }
        var samples = Array(repeating: [Double](), count: workloads.count)
        for _ in 0..<rounds {
            for (index, workload) in workloads.enumerated() {
                let elapsed = try await workload.run(iterations[index], on: clock)
                samples[index].append(elapsed.nanoseconds / Double(iterations[index]))
            }
        }
        return samples.map(Self.median)
    }

    /// Runs `workload` for at least the warm-up time; returns the iterations that fill one round.
    private func warmUp(_ workload: Workload) async throws -> Int {
        var batch = 1
        var spent = Duration.zero
        var nanosecondsPerOp = 0.0
        while true {
            let elapsed = try await workload.run(batch, on: clock)
            spent += elapsed
            nanosecondsPerOp = max(elapsed.nanoseconds / Double(batch), 1)
            if spent >= warmUpTime && elapsed >= roundTime / 4 { break }
            if elapsed < roundTime / 2 { batch = min(batch * 2, 1 << 24) }
        }
        return max(1, Int(roundTime.nanoseconds / nanosecondsPerOp))
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        let middle = sorted.count / 2
        return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
    }
}

extension Duration {
    var nanoseconds: Double {
        let parts = components
        return Double(parts.seconds) * 1e9 + Double(parts.attoseconds) / 1e9
    }
}
