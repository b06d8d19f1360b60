#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where JWTAuth reads the time, in seconds since 1970. Tests set it; see `SettableClock` in JWTAuthTesting.
public struct JWTClock: Sendable {
    private let read: @Sendable () -> Double

    /// A clock that reads `now`.
    public init(_ now: @escaping @Sendable () -> Double) {
        self.read = now
    }

    /// The current time.
    public var now: Double { read() }

    /// The system's real-time clock.
    public static let system = JWTClock {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1_000_000_000
    }
}
