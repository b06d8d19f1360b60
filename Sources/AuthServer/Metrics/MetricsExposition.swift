import Hummingbird
import Metrics
import NIOCore
import Prometheus

/// `/metrics`: the Prometheus text exposition of the process's registry, with a `# HELP` line before each
/// family's `# TYPE` line (swift-metrics gives its handles no help text).
enum MetricsExposition {
    /// The registry behind `/metrics`, bootstrapped as the process's metrics system once.
    static let registry: PrometheusCollectorRegistry = {
        let registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        // From half a millisecond: a store call or a token check is usually well under the default 5 ms.
        factory.defaultDurationHistogramBuckets = [
            0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
        ].map { .nanoseconds(Int64($0 * 1e9)) }
        MetricsSystem.bootstrap(factory)
        return registry
    }()

    /// Each family's help; a family missing here is described by its name.
    static let help: [String: String] = [
        "jwt_auth_http_requests_total": "HTTP requests answered, by route pattern, method and status code.",
        "jwt_auth_http_request_duration_seconds": "Time to answer an HTTP request, by route pattern and method.",
        "jwt_auth_http_requests_in_flight": "HTTP requests being answered now.",
        "jwt_auth_logins_total": "Password logins (JSON API and web site) by result: success, or failure on wrong credentials.",
        "jwt_auth_throttled_attempts_total": "Logins and registrations refused with 429 by throttling, by endpoint.",
        "jwt_auth_refreshes_total": "Refresh tokens presented by result: rotated (spent once), reuse_detected (spent before; session revoked).",
        "jwt_auth_revocations_total": "Revocations written, by scope: one token, one session, or every token of a user.",
        "jwt_auth_store_duration_seconds": "Time of a call from the auth service to a store, by store and operation.",
        "jwt_auth_tokens_verified_total": "Access tokens accepted by the middleware.",
        "jwt_auth_tokens_rejected_total": "Tokens refused by the middleware, by error code.",
        "jwt_auth_revocation_store_duration_seconds": "Time of the revocation check made for each verified token.",
        "jwt_auth_bcrypt_queue_depth": "Password hashes running or waiting for the bcrypt pool.",
        "jwt_auth_bcrypt_duration_seconds": "Time of a password hash or check, its wait for a bcrypt thread included.",
        "jwt_auth_bcrypt_wait_seconds": "Time a password hash or check waited for a bcrypt thread.",
    ]

    /// The exposition of `registry` with help lines.
    static func text(_ registry: PrometheusCollectorRegistry) -> [UInt8] {
        var output: [UInt8] = []
        let exposition = registry.emitToBuffer()
        output.reserveCapacity(exposition.count + 4096)
        for line in exposition.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.starts(with: "# TYPE ".utf8) {
                let name = String(decoding: line.dropFirst(7).prefix { $0 != UInt8(ascii: " ") }, as: UTF8.self)
                output += "# HELP \(name) \(help[name] ?? name.replacing("_", with: " "))\n".utf8
            }
            if line.starts(with: "# HELP ".utf8) { continue }
            output += line
            output.append(UInt8(ascii: "\n"))
        }
        if output.last == UInt8(ascii: "\n"), output.dropLast().last == UInt8(ascii: "\n") { output.removeLast() }
        return output
    }

    /// `GET /metrics` on `router`.
    static func addRoute<Context: RequestContext>(to router: Router<Context>, registry: PrometheusCollectorRegistry) {
        router.get("metrics") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: text(registry)))
            )
        }
    }
}
