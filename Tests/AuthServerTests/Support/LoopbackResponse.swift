import Foundation
import JWTAuth
import JWTAuthTestSupport
import JWTAuthTesting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One HTTP/1.0 exchange with a server on 127.0.0.1, over a plain socket (no redirect following, no
/// header rewriting: the test sees exactly what nginx answered).
struct LoopbackResponse {
    let status: Int
    let headers: [(name: String, value: String)]
    let body: String

    /// The values of the header `name` (case-insensitive).
    func values(_ name: String) -> [String] {
        headers.filter { $0.name.lowercased() == name.lowercased() }.map(\.value)
    }

    /// The first value of the header `name`.
    func header(_ name: String) -> String? { values(name).first }

    /// The body as a JSON object.
    func json() throws -> [String: JSONValue] { try JSONParser().parseObject(Array(body.utf8)) }

    /// The body's `key=value` lines (or `|`-separated fields: the echo upstream's answer).
    var echoed: [String: String] {
        var lines: [String: String] = [:]
        for line in body.split(whereSeparator: { $0 == "\n" || $0 == "|" }) {
            let pair = line.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            if pair.count == 2 { lines[String(pair[0])] = String(pair[1]) }
        }
        return lines
    }

    static func fetch(port: Int, method: String, path: String, headers: [(String, String)], body: String) throws -> LoopbackResponse {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw GatewayFailure("socket failed") }
        defer { close(socket) }
        var timeout = timeval(tv_sec: 30, tv_usec: 0)
        setsockopt(socket, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = LoopbackPort.address(port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw GatewayFailure("cannot connect to 127.0.0.1:\(port)") }

        var request = "\(method) \(path) HTTP/1.0\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { request += "Content-Length: \(body.utf8.count)\r\n" }
        request += "\r\n" + body
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { send(socket, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw GatewayFailure("send failed") }
            sent += count
        }
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = recv(socket, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { break }
            received += buffer[0..<count]
        }
        return try parse(String(decoding: received, as: UTF8.self))
    }

    static func parse(_ text: String) throws -> LoopbackResponse {
        guard let end = text.range(of: "\r\n\r\n") else { throw GatewayFailure("no HTTP response: \(text)") }
        let lines = text[..<end.lowerBound].components(separatedBy: "\r\n")
        let statusLine = lines[0].split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else {
            throw GatewayFailure("bad status line: \(lines[0])")
        }
        let headers = lines.dropFirst().compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        return LoopbackResponse(status: status, headers: headers, body: String(text[end.upperBound...]))
    }
}

/// A gateway test's set-up that went wrong (a process that did not start, a socket that failed).
struct GatewayFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
