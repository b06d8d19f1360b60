import Tracing

/// Whether `jwt-auth serve` is asked to export its spans, by OpenTelemetry's own environment variables (not
/// `JWT_AUTH_*` settings): `OTEL_EXPORTER_OTLP_ENDPOINT` (or `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`) turns the
/// OTLP/HTTP export on, `OTEL_SDK_DISABLED=true` or `OTEL_TRACES_EXPORTER=none` keeps it off, and
/// `OTEL_SERVICE_NAME` names the service (default `jwt-auth`).
package enum TraceExport {
    /// The service name of the spans unless `OTEL_SERVICE_NAME` gives another.
    package static let defaultServiceName = "jwt-auth"

    /// The variables that ask for an export, the first of which is named in messages.
    package static let endpointVariables = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"]

    /// Whether `environment` asks for spans to be exported.
    package static func isRequested(_ environment: [String: String]) -> Bool {
        guard endpointVariables.contains(where: { !(environment[$0] ?? "").isEmpty }) else { return false }
        if environment["OTEL_SDK_DISABLED"]?.lowercased() == "true" { return false }
        return environment["OTEL_TRACES_EXPORTER"]?.lowercased() != "none"
    }

    /// Whether a tracer is in place when the service is built: bootstrapped (`serve` with an export), or the
    /// task's own (`withTracer`). Without one, the service leaves out its request spans and the spans of its
    /// store calls, so that a service that exports nothing pays nothing per request for them; the domain's
    /// spans (login, bcrypt) are the no-op tracer's.
    package static var isTracing: Bool { !(InstrumentationSystem.tracer is NoOpTracer) }

    /// The warning `serve` logs once when an export is asked for but the binary cannot make one.
    package static let notBuiltWarning =
        "OTEL_EXPORTER_OTLP_ENDPOINT is set, but this jwt-auth was built without the Tracing trait: no spans are exported "
        + "(build it with `swift build --traits Tracing`)"
}
