package import Logging

/// The log handler of the span exporter's own messages (swift-otel's diagnostics): the service's handler, less
/// the values of the environment variables the exporter read. Those values are logged by swift-otel as
/// `environment_value`, `previous_value` and `new_value`, and `OTEL_EXPORTER_OTLP_HEADERS` holds a collector's
/// API key; the variable's name (`environment_key`) stays.
package struct ExporterLogHandler: LogHandler {
    /// The metadata whose values are never written.
    static let withheld: Set<String> = ["environment_value", "previous_value", "new_value"]

    private var base: any LogHandler

    package init(_ base: any LogHandler) {
        self.base = base
    }

    package var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }

    package var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue.filter { !Self.withheld.contains($0.key) } }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set {
            guard !Self.withheld.contains(key) else { return }
            base[metadataKey: key] = newValue
        }
    }

    package func log(event: LogEvent) {
        var event = event
        event.metadata = event.metadata?.filter { !Self.withheld.contains($0.key) }
        base.log(event: event)
    }
}
