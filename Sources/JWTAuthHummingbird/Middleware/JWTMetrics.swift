import JWTAuth
import Metrics

/// The counters and timers of token checks, made once so that a request only increments them.
struct JWTMetrics: Sendable {
    let verified: Counter
    let rejected: [String: Counter]
    let rejectedOther: Counter
    let revocationLatency: Timer

    static let codes: [JWTAuthError.Code] = [
        .missingToken, .invalidHeader, .invalidToken, .tokenExpired, .tokenRevoked, .wrongTokenType,
        .freshTokenRequired, .csrfFailed, .userNotFound, .insufficientScope, .payloadTooLarge, .unavailable,
    ]

    init(factory: any MetricsFactory = MetricsSystem.factory) {
        verified = Counter(label: "jwt_auth_tokens_verified_total", factory: factory)
        var rejected: [String: Counter] = [:]
        for code in Self.codes {
            rejected[code.description] = Counter(label: "jwt_auth_tokens_rejected_total", dimensions: [("code", code.description)], factory: factory)
        }
        self.rejected = rejected
        rejectedOther = Counter(label: "jwt_auth_tokens_rejected_total", dimensions: [("code", "other")], factory: factory)
        revocationLatency = Timer(label: "jwt_auth_revocation_store_duration_seconds", factory: factory)
    }

    func reject(_ code: JWTAuthError.Code) {
        (rejected[code.description] ?? rejectedOther).increment()
    }
}
