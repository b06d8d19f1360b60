import Hummingbird
import JWTAuthHummingbird
import Logging
import NIOCore

/// One info line per request (`ACCESS_LOG`): method, path without its query, status, duration in
/// milliseconds, the request id (the logger's) and the client's address. It is added to the router only
/// when the access log is on, so that it costs nothing otherwise. No header, query or body is logged: the
/// query may carry a token.
struct AccessLogMiddleware: RouterMiddleware {
    typealias Context = BasicJWTRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: response.status.code, since: start)
            return response
        } catch {
            log(request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500, since: start)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        let milliseconds = Double(elapsed.seconds) * 1000 + Double(elapsed.attoseconds) / 1e15
        let client = context.remoteAddress?.ipAddress ?? "-"
        context.logger.info(
            "\(request.method) \(request.uri.path) \(status)",
            metadata: [
                "http.method": "\(request.method)",
                "http.path": "\(request.uri.path)",
                "http.status": "\(status)",
                "duration_ms": "\((milliseconds * 1000).rounded() / 1000)",
                "client": "\(client)",
            ]
        )
    }
}
