/// The login throttling rule as a state machine: after `limit` failures for one key (a username or a
/// client address) within `window` seconds, attempts for that key are refused until the window passes.
public struct LoginThrottle: Sendable {
    public enum Decision: Sendable, Equatable {
        case allow
        case reject(retryAfter: Int)
    }

    /// Failures that block; 0 turns throttling off.
    public let limit: Int
    /// Seconds a failure counts.
    public let window: Double
    /// The most keys remembered; past it the oldest are forgotten first.
    public let capacity: Int
    private var failures: [String: [Double]] = [:]

    public init(limit: Int, window: Double, capacity: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Whether an attempt for `keys` may go ahead at `now`.
    public mutating func attempt(_ keys: [String], now: Double) -> Decision {
        guard limit > 0 else { return .allow }
        var retryAfter = 0.0
        for key in keys {
            guard var times = failures[key] else { continue }
            times.removeAll { $0 <= now - window }
            failures[key] = times.isEmpty ? nil : times
            if times.count >= limit {
                // Blocked until enough failures leave the window to fall below the limit.
                retryAfter = max(retryAfter, times[times.count - limit] + window - now)
            }
        }
        return retryAfter > 0 ? .reject(retryAfter: Int(retryAfter.rounded(.up))) : .allow
    }

    /// Counts a failed attempt for `keys`.
    public mutating func failed(_ keys: [String], now: Double) {
        guard limit > 0 else { return }
        if failures.count >= capacity { forgetOld(now: now) }
        for key in keys {
            var times = failures[key, default: []]
            times.removeAll { $0 <= now - window }
            times.append(now)
            if times.count > limit { times.removeFirst(times.count - limit) }
            failures[key] = times
        }
    }

    /// Forgets the failures of `key` after a successful login.
    public mutating func succeeded(_ key: String) {
        failures[key] = nil
    }

    private mutating func forgetOld(now: Double) {
        failures = failures.filter { ($0.value.last ?? 0) > now - window }
        if failures.count >= capacity {
            let oldest = failures.sorted { ($0.value.last ?? 0) < ($1.value.last ?? 0) }.prefix(failures.count - capacity / 2)
            for (key, _) in oldest { failures[key] = nil }
        }
    }
}

/// ``LoginThrottle`` shared by concurrent requests.
public actor LoginThrottler {
    private var throttle: LoginThrottle
    private let clock: @Sendable () -> Double

    public init(limit: Int, window: Duration, clock: @escaping @Sendable () -> Double) {
        self.throttle = LoginThrottle(limit: limit, window: Double(window.components.seconds))
        self.clock = clock
    }

    public func attempt(_ keys: [String]) -> LoginThrottle.Decision { throttle.attempt(keys, now: clock()) }
    public func failed(_ keys: [String]) { throttle.failed(keys, now: clock()) }
    public func succeeded(_ key: String) { throttle.succeeded(key) }
}
