import Foundation
import JWTAuthTestSupport
import JWTAuthTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain TCP connection to 127.0.0.1, for tests that send HTTP byte by byte or not at all. Reads never
/// block: they poll and sleep, and every wait has a deadline.
final class RawConnection {
    /// What a read found.
    enum Event: Equatable {
        case bytes([UInt8])
        /// The server closed the connection (end of stream, or reset).
        case closed
        case timedOut
    }

    private var descriptor: Int32
    /// Bytes read and not yet taken by ``readResponse(within:)``.
    private var pending: [UInt8] = []

    init(port: Int) throws {
        #if canImport(Darwin)
        descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #else
        descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
        guard descriptor >= 0 else { throw LiveServerError("socket: errno \(errno)") }
        var address = LoopbackPort.address(port)
        let connected = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
        guard connected else {
            let error = errno
            close()
            throw LiveServerError("connect to 127.0.0.1:\(port): errno \(error)")
        }
        #if canImport(Darwin)
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK)
    }

    deinit { close() }

    func close() {
        guard descriptor >= 0 else { return }
        #if canImport(Darwin)
        _ = Darwin.close(descriptor)
        #elseif canImport(Musl)
        _ = Musl.close(descriptor)
        #else
        _ = Glibc.close(descriptor)
        #endif
        descriptor = -1
    }

    /// Sends `text`; false when the connection is gone (reset or closed by the server).
    @discardableResult
    func send(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        let sent = bytes.withUnsafeBytes { buffer in
            #if canImport(Darwin)
            Darwin.send(descriptor, buffer.baseAddress, buffer.count, 0)
            #elseif canImport(Musl)
            Musl.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            #else
            Glibc.send(descriptor, buffer.baseAddress, buffer.count, Int32(MSG_NOSIGNAL))
            #endif
        }
        return sent == bytes.count
    }

    /// Reads what has come, waiting at most until `deadline`.
    func read(until deadline: ContinuousClock.Instant) async throws -> Event {
        while true {
            if !pending.isEmpty {
                defer { pending = [] }
                return .bytes(pending)
            }
            var buffer = [UInt8](repeating: 0, count: 16 * 1024)
            let count = buffer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .bytes(Array(buffer[..<count])) }
            if count == 0 { return .closed }
            let error = errno
            guard error == EAGAIN || error == EWOULDBLOCK || error == EINTR else { return .closed }
            guard ContinuousClock.now < deadline else { return .timedOut }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Waits at most `timeout` for the server to close the connection, keeping what it sent meanwhile.
    /// - Returns: whether it closed, and the bytes that came before.
    func waitForClose(within timeout: Duration) async throws -> (closed: Bool, received: [UInt8]) {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while true {
            switch try await read(until: deadline) {
            case .bytes(let bytes): received += bytes
            case .closed: return (true, received)
            case .timedOut: return (false, received)
            }
        }
    }

    /// Reads one response (head and a `Content-Length` body) within `timeout`; its status code, or nil
    /// when the connection closed or nothing complete came in time.
    func readResponse(within timeout: Duration) async throws -> Int? {
        let deadline = ContinuousClock.now + timeout
        var received: [UInt8] = []
        while true {
            if let status = Self.status(in: &received) {
                pending = received
                return status
            }
            switch try await read(until: deadline) {
            case .bytes(let bytes): received += bytes
            case .closed, .timedOut: return nil
            }
        }
    }

    /// The status of the complete response at the start of `bytes`, removed from them; nil if incomplete.
    private static func status(in bytes: inout [UInt8]) -> Int? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: bytes[..<end], as: UTF8.self)
        let lines = head.split(separator: "\r\n")
        guard let statusLine = lines.first, let code = statusLine.split(separator: " ").dropFirst().first.flatMap({ Int($0) }) else {
            return nil
        }
        let length =
            lines.dropFirst().compactMap { line -> Int? in
                let parts = line.split(separator: ":", maxSplits: 1)
                guard parts.count == 2, parts[0].lowercased() == "content-length" else { return nil }
                return Int(parts[1].trimmingCharacters(in: .whitespaces))
            }.first ?? 0
        let total = end + separator.count + length
        guard bytes.count >= total else { return nil }
        bytes.removeFirst(total)
        return code
    }
}
