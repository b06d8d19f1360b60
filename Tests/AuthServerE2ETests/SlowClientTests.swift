import Foundation
import Testing

/// Slow and idle clients on the live server, with `JWT_AUTH_IDLE_TIMEOUT=2s`: a connection is closed
/// when its request head or body takes longer than that however the bytes trickle in, or when it is
/// idle that long; the server still answers new connections afterwards.
///
/// Every wait has a deadline of several timeouts, so a server that never closes fails the test instead
/// of hanging it; nothing is asserted about how soon within that bound a connection closes.
@Suite struct SlowClientTests {
    static let environment = ["JWT_AUTH_IDLE_TIMEOUT": "2s"]
    /// How long a test waits for a close the server owes after 2 s (a loaded machine included).
    static let bound = Duration.seconds(15)
    static let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    /// Sends `text` one byte each half second until the server closes the connection or `bound` passes.
    /// - Returns: whether the server closed it.
    static func trickle(_ text: String, on connection: RawConnection) async throws -> Bool {
        let deadline = ContinuousClock.now + bound
        var bytes = text.makeIterator()
        while ContinuousClock.now < deadline {
            switch try await connection.read(until: ContinuousClock.now + .milliseconds(500)) {
            case .closed: return true
            case .bytes, .timedOut: break
            }
            guard let byte = bytes.next() else { return false }
            // A send that fails found the connection closed.
            guard connection.send(String(byte)) else { return true }
        }
        return false
    }

    /// A fresh connection sending a complete request at once still gets 200.
    static func expectServed(_ server: LiveServer) async throws {
        let connection = try RawConnection(port: server.port)
        defer { connection.close() }
        #expect(connection.send(request))
        #expect(try await connection.readResponse(within: .seconds(30)) == 200, "\(server.log())")
    }

    @Test(
        "A request head sent one byte each half second is closed after the idle timeout",
        .bug(id: 15, "slow clients hold connections forever")
    )
    func trickledHeadIsClosed() async throws {
        try await LiveServer.with(environment: Self.environment) { server in
            let connection = try RawConnection(port: server.port)
            defer { connection.close() }
            #expect(connection.send("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n"))
            // 60 bytes at 2 a second: 30 s, far past the 2 s the head has.
            let closed = try await Self.trickle("X-Slow: " + String(repeating: "a", count: 52), on: connection)
            #expect(closed, "the server kept a connection whose head never completed")
            try await Self.expectServed(server)
        }
    }

    @Test(
        "A request body sent one byte each half second is closed after the idle timeout",
        .bug(id: 15, "slow clients hold connections forever")
    )
    func trickledBodyIsClosed() async throws {
        try await LiveServer.with(environment: Self.environment) { server in
            let connection = try RawConnection(port: server.port)
            defer { connection.close() }
            let body = #"{"username":"slow-loris","password":"correct horse battery staple"}"#
            #expect(
                connection.send(
                    "POST /auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: \(body.utf8.count)\r\n\r\n"
                )
            )
            let closed = try await Self.trickle(body, on: connection)
            #expect(closed, "the server kept a connection whose body never completed")
            try await Self.expectServed(server)
        }
    }

    @Test(
        "A keep-alive connection idle after its response is closed after the idle timeout",
        .bug(id: 15, "idle clients hold connections forever")
    )
    func idleKeepAliveIsClosed() async throws {
        try await LiveServer.with(environment: Self.environment) { server in
            let connection = try RawConnection(port: server.port)
            defer { connection.close() }
            #expect(connection.send(Self.request))
            #expect(try await connection.readResponse(within: .seconds(30)) == 200)
            let (closed, received) = try await connection.waitForClose(within: Self.bound)
            #expect(closed, "the server kept an idle keep-alive connection")
            #expect(received.isEmpty)
            try await Self.expectServed(server)
        }
    }

    @Test(
        "A connection that never sends a byte is closed after the idle timeout, without a response",
        .bug(id: 15, "idle clients hold connections forever")
    )
    func silentConnectionIsClosed() async throws {
        try await LiveServer.with(environment: Self.environment) { server in
            let connections = try (0..<3).map { _ in try RawConnection(port: server.port) }
            defer { for connection in connections { connection.close() } }
            for connection in connections {
                let (closed, received) = try await connection.waitForClose(within: Self.bound)
                #expect(closed, "the server kept a silent connection")
                #expect(received.isEmpty)
            }
            try await Self.expectServed(server)
        }
    }
}
