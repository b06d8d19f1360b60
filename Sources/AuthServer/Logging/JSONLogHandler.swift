package import FoundationEssentials
import JWTAuth
package import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

#if canImport(Glibc)
private let writeBytes = Glibc.write
#elseif canImport(Musl)
private let writeBytes = Musl.write
#else
private let writeBytes = Darwin.write
#endif

/// Writes each log entry as one JSON object on its own line of standard error:
/// `{"label":"jwt-auth","level":"info","message":"…","metadata":{…},"request_id":"…","time":"…"}`.
/// The request id is Hummingbird's `hb.request.id` metadata; `request_id` is absent outside a request.
package struct JSONLogHandler: LogHandler {
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .info
    private let label: String

    package init(label: String) {
        self.label = label
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, new in new } }
        var line = Self.line(
            time: Date(),
            level: event.level,
            label: label,
            message: event.message.description,
            metadata: all
        )
        line.append(UInt8(ascii: "\n"))
        line.withUnsafeBytes { StandardError.write($0) }
    }

    /// The JSON object of one entry, without its line break.
    package static func line(time: Date, level: Logger.Level, label: String, message: String, metadata: Logger.Metadata) -> [UInt8] {
        var members: [String: JSONValue] = [
            "time": .string(time.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))),
            "level": .string(level.rawValue),
            "label": .string(label),
            "message": .string(message),
        ]
        var metadata = metadata
        if let id = metadata.removeValue(forKey: "hb.request.id") { members["request_id"] = .string(id.description) }
        if !metadata.isEmpty { members["metadata"] = json(.dictionary(metadata)) }
        return JSONWriter.encode(.object(members), sortedKeys: true)
    }

    private static func json(_ value: Logger.Metadata.Value) -> JSONValue {
        switch value {
        case .string(let text): .string(text)
        case .stringConvertible(let value): .string(value.description)
        case .array(let values): .array(values.map(json))
        case .dictionary(let members): .object(members.mapValues(json))
        }
    }
}

/// Standard error, written a whole line at a time.
enum StandardError {
    /// Lines from several threads never interleave.
    private static let lock = Mutex(())

    /// Writes `line` with one `write(2)`, unbuffered as standard error is.
    static func write(_ line: UnsafeRawBufferPointer) {
        lock.withLock { _ in
            _ = writeBytes(2, line.baseAddress, line.count)
        }
    }
}
