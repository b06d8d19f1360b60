import HTTPTypes
import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import Metrics
import Synchronization

/// Counts and times every request by route (the router's pattern, never the raw path, so that scanning
/// for paths adds no series), method and status, and counts password logins and throttled attempts by the
/// status their routes answer.
///
/// `jwt_auth_http_requests_total{route,method,status}`, `jwt_auth_http_request_duration_seconds{route,method}`
/// and `jwt_auth_http_requests_in_flight`. A route's handles are made the first time it answers with that
/// status and kept; a request only looks them up.
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = BasicJWTRequestContext

    private struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: Int
    }

    private final class Handles: Sendable {
        let requests: Counter
        let duration: Timer
        init(_ key: Key) {
            let route = ("route", key.route)
            let method = ("method", key.method.rawValue)
            requests = Counter(label: "jwt_auth_http_requests_total", dimensions: [route, method, ("status", String(key.status))])
            duration = Timer(label: "jwt_auth_http_request_duration_seconds", dimensions: [route, method])
        }
    }

    /// The handles made so far, and the requests being answered.
    private final class State: Sendable {
        let handles = Mutex<[Key: Handles]>([:])
        let active = Atomic<Int>(0)
        let inFlight = Gauge(label: "jwt_auth_http_requests_in_flight")
    }

    private let state = State()
    let metrics: ServiceMetrics

    /// The routes that check a password, and those that register.
    private static let loginRoutes: Set<String> = ["/auth/login", "/auth/fresh-login", "/login"]
    private static let registerRoutes: Set<String> = ["/auth/register", "/register"]

    init(metrics: ServiceMetrics) {
        self.metrics = metrics
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        state.inFlight.record(state.active.wrappingAdd(1, ordering: .relaxed).newValue)
        defer { state.inFlight.record(state.active.wrappingSubtract(1, ordering: .relaxed).newValue) }
        let status: Int
        do {
            let response = try await next(request, context)
            status = response.status.code
            record(request, context, status: status, since: start)
            return response
        } catch {
            record(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let route = context.endpointPath ?? "unmatched"
        let key = Key(route: route == "NotFound" ? "unmatched" : route, method: request.method, status: status)
        let handles = state.handles.withLock { all in
            if let found = all[key] { return found }
            let made = Handles(key)
            all[key] = made
            return made
        }
        handles.requests.increment()
        handles.duration.recordNanoseconds((ContinuousClock.now - start).nanoseconds)
        guard request.method == .post else { return }
        if Self.loginRoutes.contains(key.route) {
            switch status {
            case 200..<400: metrics.loginSucceeded.increment()
            case 401: metrics.loginFailed.increment()
            case 429: metrics.throttledLogin.increment()
            default: break
            }
        } else if status == 429, Self.registerRoutes.contains(key.route) {
            metrics.throttledRegistration.increment()
        }
    }
}
