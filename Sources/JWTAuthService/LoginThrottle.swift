import Synchronization

/// The throttling rule for logins and registrations as a state machine: at most `limit` attempts for one
/// key (a username or a client address) may be failed or in flight within `window` seconds; further
/// attempts for that key are refused until the window lets one go.
///
/// An attempt takes a slot for each of its keys before the expensive check (bcrypt) runs, in the same
/// step as the decision, so concurrent attempts can never pass the limit together. A failure keeps its
/// slots for the window; a success (or an attempt that never reached the check) releases them.
public struct LoginThrottle: Sendable {
    public enum Decision: Sendable, Equatable {
        /// Go ahead; settle the reservation with ``failed(_:now:)`` or ``released(_:)``.
        case allow(Reservation)
        case reject(retryAfter: Int)
    }

    /// The slots one attempt holds.
    public struct Reservation: Sendable, Hashable {
        package let id: UInt64
        package let keys: [String]

        package init(id: UInt64, keys: [String]) {
            self.id = id
            self.keys = keys
        }
    }

    struct Slot: Sendable {
        var time: Double
        /// The attempt holding it while in flight; nil once it failed.
        var reservation: UInt64?
    }

    /// Attempts that block; 0 turns throttling off.
    public let limit: Int
    /// Seconds a failure counts.
    public let window: Double
    /// The most keys remembered; past it the oldest are forgotten first.
    public let capacity: Int
    private var slots: [String: [Slot]] = [:]
    private var nextReservation: UInt64 = 1

    public init(limit: Int, window: Double, capacity: Int = 100_000) {
        self.limit = limit
        self.window = window
        self.capacity = capacity
    }

    /// Takes a slot for each of `keys` at `now`, or refuses when any key has no slot left.
    public mutating func reserve(_ keys: [String], now: Double) -> Decision {
        let reservation = Reservation(id: nextReservation, keys: keys)
        nextReservation &+= 1
        guard limit > 0 else { return .allow(reservation) }
        var retryAfter = 0.0
        for key in keys {
            guard var held = slots[key] else { continue }
            held.removeAll { $0.reservation == nil && $0.time <= now - window }
            slots[key] = held.isEmpty ? nil : held
            if held.count >= limit {
                // Blocked until a slot frees: an attempt in flight frees its own within seconds (a second
                // is the least to wait), a failure when it leaves the window.
                let needed = held.count - limit + 1
                let inFlight = held.count { $0.reservation != nil }
                let failures = held.filter { $0.reservation == nil }.map(\.time).sorted()
                let wait = inFlight >= needed ? 1 : failures[needed - inFlight - 1] + window - now
                retryAfter = max(retryAfter, wait, 1)
            }
        }
        if retryAfter > 0 { return .reject(retryAfter: Int(retryAfter.rounded(.up))) }
        if slots.count + keys.count > capacity { forgetOld(now: now) }
        for key in keys { slots[key, default: []].append(Slot(time: now, reservation: reservation.id)) }
        return .allow(reservation)
    }

    /// The attempt failed: its slots stay taken for the window, from `now`.
    public mutating func failed(_ reservation: Reservation, now: Double) {
        update(reservation) { $0 = Slot(time: now, reservation: nil) }
    }

    /// The attempt succeeded, or never reached the check: its slots are free again.
    public mutating func released(_ reservation: Reservation) {
        for key in reservation.keys {
            slots[key]?.removeAll { $0.reservation == reservation.id }
            if slots[key]?.isEmpty == true { slots[key] = nil }
        }
    }

    /// Forgets the failures of `key` (a successful login forgives its username's earlier failures);
    /// attempts in flight keep their slots.
    public mutating func forgive(_ key: String) {
        slots[key]?.removeAll { $0.reservation == nil }
        if slots[key]?.isEmpty == true { slots[key] = nil }
    }

    /// The slots `key` holds (failed or in flight), for tests and metrics.
    public func held(_ key: String) -> Int { slots[key]?.count ?? 0 }

    private mutating func update(_ reservation: Reservation, _ change: (inout Slot) -> Void) {
        for key in reservation.keys {
            guard let index = slots[key]?.firstIndex(where: { $0.reservation == reservation.id }) else { continue }
            change(&slots[key]![index])
        }
    }

    private mutating func forgetOld(now: Double) {
        slots = slots.filter { _, held in held.contains { $0.reservation != nil || $0.time > now - window } }
        if slots.count >= capacity {
            let latest = { (held: [Slot]) in held.map(\.time).max() ?? 0 }
            let oldest = slots.filter { _, held in !held.contains { $0.reservation != nil } }
                .sorted { latest($0.value) < latest($1.value) }
                .prefix(slots.count - capacity / 2)
            for (key, _) in oldest { slots[key] = nil }
        }
    }
}

/// Where login and registration attempts are counted: in this process (``LoginThrottler``), or in a store that
/// every instance of a service shares, so that N instances still allow a guesser only the limit.
///
/// ``reserve(_:)`` takes the slots in the same step as the decision; an implementation that cannot answer
/// throws, and the attempt is refused (`unavailable`), never let through uncounted.
public protocol LoginThrottling: Sendable {
    /// Takes a slot for each of `keys`, or refuses when any key has no slot left.
    func reserve(_ keys: [String]) async throws -> LoginThrottle.Decision
    /// The attempt failed: its slots stay taken for the window.
    func failed(_ reservation: LoginThrottle.Reservation) async
    /// The attempt succeeded, or never reached the check: its slots are free again.
    func released(_ reservation: LoginThrottle.Reservation) async
    /// Forgets the failures of `key`; attempts in flight keep their slots.
    func forgive(_ key: String) async
}

/// ``LoginThrottle`` shared by concurrent requests of one process.
public final class LoginThrottler: LoginThrottling {
    private let throttle: Mutex<LoginThrottle>
    private let clock: @Sendable () -> Double

    public init(limit: Int, window: Duration, clock: @escaping @Sendable () -> Double) {
        self.throttle = Mutex(LoginThrottle(limit: limit, window: Double(window.components.seconds)))
        self.clock = clock
    }

    public func reserve(_ keys: [String]) -> LoginThrottle.Decision {
        let now = clock()
        return throttle.withLock { $0.reserve(keys, now: now) }
    }

    public func failed(_ reservation: LoginThrottle.Reservation) {
        let now = clock()
        throttle.withLock { $0.failed(reservation, now: now) }
    }

    public func released(_ reservation: LoginThrottle.Reservation) { throttle.withLock { $0.released(reservation) } }
    public func forgive(_ key: String) { throttle.withLock { $0.forgive(key) } }
    public func held(_ key: String) -> Int { throttle.withLock { $0.held(key) } }
}
