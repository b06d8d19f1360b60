import AuthServer
import Testing

/// When `jwt-auth serve` exports spans: OpenTelemetry's own variables decide, not a `JWT_AUTH_*` setting.
@Suite struct TraceExportSettingsTests {
    @Test(
        .bug(id: 19, "the OTLP export is on only when OpenTelemetry's environment asks for it"),
        arguments: [
            ([:], false),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": ""], false),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318"], true),
            (["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://127.0.0.1:4318/v1/traces"], true),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "true"], false),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_SDK_DISABLED": "false"], true),
            (["OTEL_EXPORTER_OTLP_ENDPOINT": "http://127.0.0.1:4318", "OTEL_TRACES_EXPORTER": "none"], false),
            (["OTEL_SERVICE_NAME": "jwt-auth"], false),
        ]
    )
    func anEndpointTurnsTheExportOn(environment: [String: String], isRequested: Bool) {
        #expect(TraceExport.isRequested(environment) == isRequested)
    }
}
