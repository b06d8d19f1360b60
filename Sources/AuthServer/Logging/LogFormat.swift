import FoundationEssentials
public import Logging

/// How `jwt-auth serve` writes its log lines (`LOG_FORMAT`).
public struct LogFormat: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    private init(_ description: String) { self.description = description }

    /// One line of text per entry: time, level, label, metadata and message. The default.
    public static let text = Self("text")
    /// One JSON object per line: `time`, `level`, `label`, `message`, `request_id` and `metadata`.
    public static let json = Self("json")

    /// Every format, by name.
    public static let all: [Self] = [.text, .json]

    /// The format named `name` (`text`, `json`), in any case.
    public init?(name: String) {
        guard let format = Self.all.first(where: { $0.description == name.lowercased() }) else { return nil }
        self = format
    }

    /// A log handler in this format for `label`, writing to standard error at `level`.
    public func handler(label: String, level: Logger.Level = .info) -> any LogHandler {
        var handler: any LogHandler = self == .json ? JSONLogHandler(label: label) : TextLogHandler(label: label)
        handler.logLevel = level
        return handler
    }
}

extension AuthServerConfiguration {
    /// Makes every logger of the process, the libraries' included, write in ``logFormat`` at ``logLevel``.
    /// Call it once, before the service starts; a process bootstraps its logging only once.
    public func bootstrapLogging() {
        LoggingSystem.bootstrap { [logFormat, logLevel] label in logFormat.handler(label: label, level: logLevel) }
    }

    /// `jwt-auth listening on http://ADDRESS` and a line break, the line `serve` prints on standard output
    /// once it listens; in the JSON log format, a JSON log entry with that message and `address`.
    public func listeningBanner(address: String) -> String {
        banner("jwt-auth listening on http://\(address)", address: address)
    }

    /// `jwt-auth metrics listening on http://ADDRESS/metrics`, printed like ``listeningBanner(address:)``
    /// once the metrics address (``metricsAddress``) listens.
    public func metricsBanner(address: String) -> String {
        banner("jwt-auth metrics listening on http://\(address)/metrics", address: address)
    }

    private func banner(_ message: String, address: String) -> String {
        guard logFormat == .json else { return message + "\n" }
        let line = JSONLogHandler.line(time: .now, level: .info, label: "jwt-auth", message: message, metadata: ["address": "\(address)"])
        return String(decoding: line, as: UTF8.self) + "\n"
    }
}

/// The text format: swift-log's `StreamLogHandler` on standard error, line for line, except that the
/// logger's metadata is formatted when a line is written rather than each time it changes. Hummingbird sets
/// a request id on every request's logger, and most requests write no line at all.
package struct TextLogHandler: LogHandler {
    /// Writes the lines; it holds no metadata of its own.
    private var stream: StreamLogHandler
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?

    /// Lines on standard error.
    package init(label: String) {
        self.init(stream: StreamLogHandler.standardError(label: label, metadataProvider: nil))
    }

    /// Lines on `stream`.
    package init(label: String, stream: any TextOutputStream & Sendable) {
        self.init(stream: StreamLogHandler(label: label, stream: stream, metadataProvider: nil))
    }

    private init(stream: StreamLogHandler) {
        self.stream = stream
        metadataProvider = LoggingSystem.metadataProvider
    }

    package var logLevel: Logger.Level {
        get { stream.logLevel }
        set { stream.logLevel = newValue }
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        // StreamLogHandler's order: the logger's metadata, then the provider's, then the line's own.
        var all = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata, !explicit.isEmpty { all.merge(explicit) { _, new in new } }
        var event = event
        event.metadata = all
        stream.log(event: event)
    }
}
