import JWTAuth
import Metrics

/// The service's own counters and histograms, each resolved once when the service starts so that a
/// request only increments a handle it already holds. Their help texts are in ``MetricsExposition``.
struct ServiceMetrics: Sendable {
    /// `jwt_auth_logins_total{result}`: password logins (the JSON API's and the web site's) that
    /// succeeded or failed on their credentials.
    let loginSucceeded: Counter
    let loginFailed: Counter
    /// `jwt_auth_throttled_attempts_total{endpoint}`: logins and registrations refused with 429.
    let throttledLogin: Counter
    let throttledRegistration: Counter
    /// `jwt_auth_refreshes_total{result}`: refresh tokens spent (rotated), and presented again (reuse
    /// detected: the session is revoked).
    let refreshRotated: Counter
    let refreshReuseDetected: Counter
    /// `jwt_auth_revocations_total{scope}`: revocations written, of one token, one session, or every
    /// token of a user.
    let revokedToken: Counter
    let revokedSession: Counter
    let revokedUser: Counter

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        func counter(_ name: String, _ label: String, _ value: String) -> Counter {
            Counter(label: name, dimensions: [(label, value)], factory: factory)
        }
        loginSucceeded = counter("jwt_auth_logins_total", "result", "success")
        loginFailed = counter("jwt_auth_logins_total", "result", "failure")
        throttledLogin = counter("jwt_auth_throttled_attempts_total", "endpoint", "login")
        throttledRegistration = counter("jwt_auth_throttled_attempts_total", "endpoint", "register")
        refreshRotated = counter("jwt_auth_refreshes_total", "result", "rotated")
        refreshReuseDetected = counter("jwt_auth_refreshes_total", "result", "reuse_detected")
        revokedToken = counter("jwt_auth_revocations_total", "scope", "token")
        revokedSession = counter("jwt_auth_revocations_total", "scope", "session")
        revokedUser = counter("jwt_auth_revocations_total", "scope", "user")
    }

    /// `jwt_auth_store_duration_seconds{store,operation}` for one operation of one store.
    static func storeTimer(_ store: String, _ operation: String, factory: any MetricsFactory = MetricsSystem.factory) -> Timer {
        Timer(label: "jwt_auth_store_duration_seconds", dimensions: [("store", store), ("operation", operation)], factory: factory)
    }
}

extension Timer {
    /// Runs `body` and records how long it took, also when it throws.
    @inline(__always)
    func time<T>(_ body: () async throws -> T) async rethrows -> T {
        let start = ContinuousClock.now
        defer { recordNanoseconds((ContinuousClock.now - start).nanoseconds) }
        return try await body()
    }
}
