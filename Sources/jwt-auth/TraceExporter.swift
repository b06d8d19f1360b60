import AuthServer
import JWTAuth
import Logging
import ServiceLifecycle

#if Tracing
import OTel
import Tracing
#endif

/// The export of `serve`'s spans over OTLP/HTTP (swift-otel), when OpenTelemetry's environment asks for it
/// (``TraceExport``) and the binary was built with the `Tracing` trait.
enum TraceExporter {
    /// Bootstraps the process's tracer and returns the service that exports the spans, flushing the last ones
    /// when the service group shuts it down; nil when no export is asked for, or when this binary cannot make
    /// one (then a warning says so, once, and the service runs on without it).
    /// - Throws: swift-otel's error for OpenTelemetry settings it cannot use.
    static func start(environment: [String: String], logger: Logger) throws -> (any Service)? {
        guard TraceExport.isRequested(environment) else { return nil }
        #if Tracing
        var configuration = OTel.Configuration.default
        configuration.serviceName = TraceExport.defaultServiceName
        configuration.resourceAttributes = ["service.version": JWTAuthVersion.current]
        // Its own messages (an export that failed) in the service's log format, never with the values of the
        // variables it read (OTEL_EXPORTER_OTLP_HEADERS may hold an API key), and its start-up chatter only at debug.
        var diagnostics = logger
        diagnostics.handler = ExporterLogHandler(logger.handler)
        configuration.diagnosticLogger = .custom(diagnostics)
        configuration.diagnosticLogLevel =
            switch logger.logLevel {
            case .trace: .trace
            case .debug: .debug
            case .info, .notice, .warning: .warning
            case .error, .critical: .error
            }
        configuration.logs.enabled = false
        configuration.metrics.enabled = false
        // OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES and the OTEL_EXPORTER_OTLP_* variables apply on top.
        let backend = try OTel.makeTracingBackend(configuration: configuration)
        InstrumentationSystem.bootstrap(backend.factory)
        return backend.service
        #else
        logger.warning("\(TraceExport.notBuiltWarning)")
        return nil
        #endif
    }
}
