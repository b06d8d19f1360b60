import AuthServer
import Logging
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The text log format writes what swift-log's `StreamLogHandler` writes, line for line, though it formats
/// the logger's metadata only when a line is written.
@Suite struct TextLogHandlerTests {
    /// A stream that keeps what is written to it.
    final class Written: TextOutputStream, Sendable {
        let text = Mutex("")
        func write(_ string: String) { text.withLock { $0 += string } }
    }

    struct Failure: Error, CustomStringConvertible {
        var description: String { "the store is down" }
    }

    /// The lines of `body` run on a logger of each handler, without their timestamps.
    static func lines(_ body: (inout Logger) -> Void) -> (ours: [Substring], stream: [Substring]) {
        let ours = Written()
        let stream = Written()
        var oursLogger = Logger(label: "jwt-auth") { label in TextLogHandler(label: label, stream: ours) }
        var streamLogger = Logger(label: "jwt-auth") { label in StreamLogHandler(label: label, stream: stream, metadataProvider: nil) }
        body(&oursLogger)
        body(&streamLogger)
        func untimed(_ written: Written) -> [Substring] {
            written.text.withLock { $0 }.split(separator: "\n").map { $0.drop { $0 != " " } }
        }
        return (untimed(ours), untimed(stream))
    }

    @Test(.bug(id: 21, "The text log handler no longer formats metadata on every change; its lines must not change"))
    func theLinesAreStreamLogHandlers() {
        let (ours, stream) = Self.lines { logger in
            logger.info("no metadata")
            logger[metadataKey: "hb.request.id"] = "a1b2"
            logger[metadataKey: "route"] = "/api/protected"
            logger.info("with the logger's metadata")
            logger.warning("and the line's own", metadata: ["route": "/override", "jwt.error": "token_expired"])
            logger.error("with an error", error: Failure())
            logger[metadataKey: "route"] = nil
            logger.debug("below the level")
            logger.logLevel = .debug
            logger.debug("at the level", metadata: [:])
            logger[metadataKey: "hb.request.id"] = nil
            logger.notice("none left")
        }
        #expect(ours.count == 6)
        #expect(ours == stream)
    }

    @Test(.bug(id: 21, "The text log handler formats the time itself, once a second"))
    func theTimeIsStreamLogHandlers() {
        // Both lines written within one second carry the same time; a second boundary between them makes the
        // attempt not count.
        for _ in 0..<5 {
            let ours = Written()
            let stream = Written()
            let start = time(nil)
            Logger(label: "t") { TextLogHandler(label: $0, stream: ours) }.info("a")
            Logger(label: "t") { StreamLogHandler(label: $0, stream: stream, metadataProvider: nil) }.info("a")
            guard time(nil) == start else { continue }
            let time = ours.text.withLock { $0 }.prefix { $0 != " " }
            #expect(time == stream.text.withLock { $0 }.prefix { $0 != " " })
            #expect(time.count == "2026-12-07T13:40:00+0000".count)
            return
        }
        Issue.record("five attempts each crossed a second boundary")
    }
}
