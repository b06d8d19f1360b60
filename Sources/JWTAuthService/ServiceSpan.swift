import JWTAuth
package import Tracing

/// The spans of the auth domain (`login`, `refresh`, `bcrypt.verify`, …), made through swift-distributed-tracing:
/// the no-op tracer's unless the application bootstraps one.
package enum ServiceSpan {
    /// `body` in a span named `name`, the current span while it runs. A failure sets the span's status to
    /// error and `error.type` to the `JWTAuthError`'s code (`invalid_credentials`) or the error's type; never
    /// the error's text, which for a store's error may name its address.
    package static func run<T>(_ name: String, _ body: (any Span) async throws -> T) async throws -> T {
        let span = startSpan(name)
        defer { span.end() }
        do {
            return try await InstrumentationContext.$current.withValue(span.context) { try await body(span) }
        } catch {
            if span.isRecording {
                span.attributes["error.type"] = (error as? JWTAuthError)?.code.description ?? String(describing: type(of: error))
                span.setStatus(SpanStatus(code: .error))
            }
            throw error
        }
    }
}
