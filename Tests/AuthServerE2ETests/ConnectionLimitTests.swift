import Foundation
import Testing

/// `JWT_AUTH_MAX_CONNECTIONS` on the live server: past the limit a new connection is accepted and
/// closed at once, without a response, while the open ones keep working; once one closes, a new one
/// is served.
@Suite struct ConnectionLimitTests {
    static let request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"

    @Test(
        "Past JWT_AUTH_MAX_CONNECTIONS a new connection is closed without a response",
        .bug(id: 15, "past the connection limit a new connection is closed at once")
    )
    func connectionsPastTheLimitAreClosed() async throws {
        // A long idle timeout: the slot must be freed by the client's close, not by the server's timer. The
        // waits are long because the whole suite runs at once on two cores (latency is not under test).
        try await LiveServer.with(environment: ["JWT_AUTH_MAX_CONNECTIONS": "5", "JWT_AUTH_IDLE_TIMEOUT": "300s"]) { server in
            // Five connections, each shown open by an answered request (keep-alive).
            var open: [RawConnection] = []
            defer { for connection in open { connection.close() } }
            for _ in 0..<5 {
                let connection = try RawConnection(port: server.port)
                open.append(connection)
                #expect(connection.send(Self.request))
                #expect(try await connection.readResponse(within: .seconds(30)) == 200, "\(server.log())")
            }

            let sixth = try RawConnection(port: server.port)
            defer { sixth.close() }
            sixth.send(Self.request)
            let (closed, received) = try await sixth.waitForClose(within: .seconds(15))
            #expect(closed, "the sixth connection was kept")
            #expect(received.isEmpty, "the sixth connection got \(String(decoding: received, as: UTF8.self))")

            // The five still work.
            for connection in open {
                #expect(connection.send(Self.request))
                #expect(try await connection.readResponse(within: .seconds(30)) == 200)
            }

            // Once one closes (the server notices a moment later), a new connection is served.
            open.removeFirst().close()
            let deadline = ContinuousClock.now + .seconds(90)
            var served = false
            var attempts = 0
            while !served, ContinuousClock.now < deadline {
                attempts += 1
                let connection = try RawConnection(port: server.port)
                defer { connection.close() }
                connection.send(Self.request)
                served = try await connection.readResponse(within: .seconds(30)) == 200
                if !served { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(served, "no new connection was served after one closed (\(attempts) attempts): \(server.log())")
        }
    }
}
