import AuthServer
import Logging
import Synchronization
import Testing

/// The span exporter's own log lines keep the names of the environment variables it read, never their values.
@Suite struct ExporterLogHandlerTests {
    /// Keeps what reaches it.
    struct Recorder: LogHandler {
        let recorded: Lines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(event: LogEvent) {
            recorded.lines.withLock { $0.append((event.message.description, metadata.merging(event.metadata ?? [:]) { _, new in new })) }
        }
    }

    final class Lines: Sendable {
        let lines = Mutex<[(message: String, metadata: Logger.Metadata)]>([])
    }

    @Test(.bug(id: 19, "OTEL_EXPORTER_OTLP_HEADERS (a collector's API key) is never logged"))
    func theValuesOfTheVariablesAreWithheld() {
        let recorded = Lines()
        var logger = Logger(label: "otel") { _ in ExporterLogHandler(Recorder(recorded: recorded)) }
        // As swift-otel logs a variable it read.
        logger[metadataKey: "environment_key"] = "OTEL_EXPORTER_OTLP_HEADERS"
        logger[metadataKey: "environment_value"] = "x-api-key=a-collector-secret"
        logger[metadataKey: "previous_value"] = "[]"
        logger[metadataKey: "new_value"] = "[(\"x-api-key\", \"a-collector-secret\")]"
        logger.info("Configuration updated from environment", metadata: ["new_value": "a-collector-secret"])
        logger.logLevel = .warning
        logger.info("not written")
        let lines = recorded.lines.withLock { $0 }
        #expect(lines.count == 1)
        #expect(lines.first?.message == "Configuration updated from environment")
        #expect(lines.first?.metadata["environment_key"] == "OTEL_EXPORTER_OTLP_HEADERS")
        #expect(!"\(lines)".contains("a-collector-secret"))
    }
}
