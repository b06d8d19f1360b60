import FoundationEssentials
public import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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

/// The text format: the lines of swift-log's `StreamLogHandler` on standard error,
/// `TIME LEVEL LABEL: KEY=VALUE … [SOURCE] MESSAGE`, written with less work per line: the logger's
/// metadata is formatted only when a line is written (Hummingbird sets a request id on every request's
/// logger, and most requests write no line), and the time is formatted once a second with `localtime_r`
/// (`localtime` looks at `/etc/localtime` again for every line).
package struct TextLogHandler: LogHandler {
    private let label: String
    /// Where lines go; nil for standard error.
    private let stream: (any TextOutputStream & Sendable)?
    package var metadata: Logger.Metadata = [:]
    package var metadataProvider: Logger.MetadataProvider?
    package var logLevel: Logger.Level = .info

    /// Lines on standard error.
    package init(label: String) {
        self.init(label: label, stream: nil)
    }

    /// Lines on `stream`.
    package init(label: String, stream: (any TextOutputStream & Sendable)?) {
        self.label = label
        self.stream = stream
        metadataProvider = LoggingSystem.metadataProvider
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        // StreamLogHandler's order: the logger's metadata, then the provider's, then the line's own, then the error.
        var all = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty { all.merge(provided) { _, new in new } }
        if let explicit = event.metadata, !explicit.isEmpty { all.merge(explicit) { _, new in new } }
        if let error = event.error {
            all["error.message"] = "\(error)"
            all["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        var line = Self.timestamp()
        line += " \(event.level)"
        if !label.isEmpty { line += " " + label }
        line += ":"
        for (key, value) in all.sorted(by: { $0.key < $1.key }) { line += " \(key)=\(value)" }
        line += " [\(event.source)] \(event.message)\n"
        if var stream {
            stream.write(line)
        } else {
            line.withUTF8 { StandardError.write(UnsafeRawBufferPointer($0)) }
        }
    }

    /// The local time of the current second, `2026-12-07T13:40:00+0000`, formatted once a second.
    static func timestamp() -> String {
        var now = time(nil)
        return lastTimestamp.withLock { last in
            if last.second == now { return last.text }
            var parts = tm()
            guard localtime_r(&now, &parts) != nil else { return "<unknown>" }
            let text = withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
                guard let start = buffer.baseAddress else { return "<unknown>" }
                let count = strftime(start, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
                return String(decoding: UnsafeRawBufferPointer(start: start, count: count), as: UTF8.self)
            }
            last = (now, text)
            return text
        }
    }

    private static let lastTimestamp = Mutex<(second: time_t, text: String)>((-1, ""))
}
