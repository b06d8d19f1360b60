public import JWTAuth
import Synchronization

/// A clock that tests set and advance, instead of sleeping.
public final class SettableClock: Sendable {
    private let time: Mutex<Double>

    /// A clock reading `now` seconds since 1970. Defaults to 2026-01-01T00:00:00Z.
    public init(now: Double = 1_767_225_600) {
        self.time = Mutex(now)
    }

    /// The time the clock reads.
    public var now: Double {
        get { time.withLock { $0 } }
        set { time.withLock { $0 = newValue } }
    }

    /// Moves the clock forward by `duration`.
    public func advance(by duration: Duration) {
        time.withLock { $0 += duration.seconds }
    }

    /// This clock as a ``JWTClock`` for issuers, verifiers and stores.
    public var clock: JWTClock { JWTClock { [self] in self.now } }
}
