import HTTPTypes
import Hummingbird
import JWTAuthHummingbird
import NIOCore
import Tracing

/// A server span for every request, in OpenTelemetry's HTTP conventions: named `<method> <route>`
/// (`POST /auth/login`; the method alone for a path the service does not have), a child of the caller's span
/// when the request carries a W3C `traceparent` (read by the bootstrapped propagator), with
/// `http.request.method`, `url.scheme`, `url.path`, `http.route`, `http.response.status_code`,
/// `network.protocol.version`, `network.peer.address`/`port` and `user_agent.original`. The query is
/// recorded with every value replaced by `REDACTED` (a token may travel in it); no header other than the user
/// agent is recorded, so never the `Authorization` header or a cookie. Only a 5xx answer sets the status to
/// error. The other spans of the request (login, bcrypt, store calls) are its children.
///
/// Without a tracer bootstrapped the span is the no-op tracer's, and nothing is recorded.
struct RequestTracingMiddleware: RouterMiddleware {
    typealias Context = BasicJWTRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var parent = InstrumentationContext.current ?? .topLevel
        InstrumentationSystem.instrument.extract(request.headers, into: &parent, using: HTTPFieldsExtractor())
        let method = request.method.rawValue
        let span = startSpan(method, context: parent, ofKind: .server)
        defer { span.end() }
        if span.isRecording { record(request, context, on: span) }
        do {
            let response = try await InstrumentationContext.$current.withValue(span.context) { try await next(request, context) }
            finish(span, request, context, status: response.status.code)
            return response
        } catch {
            finish(span, request, context, status: (error as? any HTTPResponseError)?.status.code ?? 500)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, on span: any Span) {
        span.updateAttributes { attributes in
            attributes["http.request.method"] = request.method.rawValue
            attributes["url.scheme"] = "http"
            attributes["url.path"] = request.uri.path
            if let query = request.uri.query, !query.isEmpty { attributes["url.query"] = Self.redacted(query) }
            attributes["network.protocol.version"] = "1.1"
            attributes["user_agent.original"] = request.headers[.userAgent]
            if let peer = context.remoteAddress {
                attributes["network.peer.address"] = peer.ipAddress
                attributes["network.peer.port"] = peer.port
            }
        }
    }

    private func finish(_ span: any Span, _ request: Request, _ context: Context, status: Int) {
        guard span.isRecording else { return }
        if let route = context.endpointPath, route != "NotFound" {
            span.operationName = "\(request.method.rawValue) \(route)"
            span.attributes["http.route"] = route
        }
        span.attributes["http.response.status_code"] = status
        if status >= 500 {
            span.attributes["error.type"] = String(status)
            span.setStatus(SpanStatus(code: .error))
        }
    }

    /// `a=REDACTED&b=REDACTED`: the names of the query's parameters, none of their values.
    static func redacted(_ query: String) -> String {
        query.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let name = pair.prefix { $0 != "=" }
            return pair.contains("=") ? "\(name)=REDACTED" : String(name)
        }.joined(separator: "&")
    }
}

/// Reads propagation headers (`traceparent`, `tracestate`) from a request's fields.
struct HTTPFieldsExtractor: Extractor {
    func extract(key: String, from fields: HTTPFields) -> String? {
        HTTPField.Name(key).flatMap { fields[$0] }
    }
}
