import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// Guessing, registration floods and forwarded addresses against the live server.
@Suite struct AbuseTests {
    /// bcrypt runs recorded in `/metrics` (`jwt_auth_bcrypt_duration_seconds_count`).
    static func bcryptRuns(_ server: LiveServer) async throws -> Int {
        let text = try await server.get("/metrics").text
        let line = text.split(separator: "\n").first { $0.hasPrefix("jwt_auth_bcrypt_duration_seconds_count") }
        return line.flatMap { $0.split(separator: " ").last }.flatMap { Int(Double($0) ?? -1) } ?? 0
    }

    /// The reproduction: 39 wrong passwords and the right one sent at once, default
    /// `LOGIN_ATTEMPTS` (5). At most five reach bcrypt.
    @Test(.bug(id: 15, "concurrent guesses all reached bcrypt"))
    func guessesSentAtOnceReachBcryptAtMostLoginAttemptsTimes() async throws {
        try await LiveServer.with(bcryptCost: 10) { server in
            try await server.register("victim")
            let before = try await Self.bcryptRuns(server)
            let guesses = (1...39).map { "wrong-guess-\($0)" } + [LiveServer.password]
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for guess in guesses {
                    group.addTask { try await server.post("/auth/login", json: LiveServer.credentials("victim", guess)).status }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            let reached = try await Self.bcryptRuns(server) - before
            #expect(reached <= 5, "\(reached) guesses reached bcrypt")
            #expect(statuses.count { $0 == .ok || $0 == .unauthorized } <= 5, "\(statuses)")
            #expect(statuses.count { $0 == .tooManyRequests } >= 35)
        }
    }

    @Test(.bug(id: 15, "registration was not limited"))
    func registrationsFromOneAddressAreLimited() async throws {
        try await LiveServer.with(["--register-attempts", "3"]) { server in
            let results = try await withThrowingTaskGroup(of: (Int, HTTPResponse.Status).self) { group in
                for index in 0..<12 {
                    group.addTask { (index, try await server.post("/auth/register", json: LiveServer.credentials("user\(index)")).status) }
                }
                return try await group.reduce(into: [(Int, HTTPResponse.Status)]()) { $0.append($1) }
            }
            let created = results.filter { $0.1 == .created }.map(\.0)
            #expect(created.count == 3, "\(results)")
            #expect(results.allSatisfy { $0.1 == .created || $0.1 == .tooManyRequests })
            let refused = try await server.post("/auth/register", json: LiveServer.credentials("late"))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.error == "rate_limited")
            #expect(refused.headers[.retryAfter].flatMap { Int($0) }.map { (1...900).contains($0) } == true)
            // Logins are not registrations: they still work.
            _ = try await server.login("user\(try #require(created.first))")
        }
    }

    /// Behind a trusted proxy, each forwarded client is throttled on its own; without one, the
    /// forwarding headers are ignored (a client cannot pick its address).
    @Test(.bug(id: 15, "behind a load balancer every client had the balancer's address"))
    func throttlingFollowsTheForwardedAddressOnlyBehindATrustedProxy() async throws {
        let behindProxy = try await LiveServer.with(["--login-attempts", "2", "--trusted-proxies", "127.0.0.0/8,::1"]) { server in
            var statuses: [HTTPResponse.Status] = []
            for (name, address) in [("a", "203.0.113.1"), ("b", "203.0.113.1"), ("c", "203.0.113.1"), ("d", "203.0.113.2")] {
                statuses.append(try await Self.guess(server, name, from: address))
            }
            return statuses
        }
        // The forwarded address is throttled after two failures; another client is not.
        #expect(behindProxy == [.unauthorized, .unauthorized, .tooManyRequests, .unauthorized])
        let direct = try await LiveServer.with(["--login-attempts", "2"]) { server in
            var statuses: [HTTPResponse.Status] = []
            for (name, address) in [("a", "203.0.113.1"), ("b", "203.0.113.2"), ("c", "203.0.113.3")] {
                statuses.append(try await Self.guess(server, name, from: address))
            }
            return statuses
        }
        // Without a trusted proxy the peer is throttled, whatever it forwards.
        #expect(direct == [.unauthorized, .unauthorized, .tooManyRequests])
    }

    static func guess(_ server: LiveServer, _ name: String, from address: String) async throws -> HTTPResponse.Status {
        let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-Forwarded-For")!: address]
        let body = JSONWriter.encode(LiveServer.credentials(name, "a wrong password"))
        return try await server.request(.post, "/auth/login", headers: headers, body: body).status
    }

    @Test(.bug(id: 15, "failed logins must be visible to an operator, never the typed name"))
    func aFailedLoginIsLoggedWithAPseudonymAndTheAddress() async throws {
        try await LiveServer.with { server in
            let typed = "my-secret-password-in-the-username-field"
            _ = try await server.post("/auth/login", json: LiveServer.credentials(typed, "whatever it is"))
            _ = try await server.post("/auth/login", json: LiveServer.credentials(typed.uppercased(), "whatever it is"))
            try await Task.sleep(for: .milliseconds(200))
            let lines = server.log(limit: 100_000).split(separator: "\n").filter { $0.contains("Login failed") }
            #expect(lines.count == 2, "\(server.log())")
            #expect(!server.log(limit: 100_000).lowercased().contains(typed))
            let pseudonyms = lines.compactMap { line in line.split(separator: " ").first { $0.hasPrefix("username.pseudonym=") } }
            #expect(pseudonyms.count == 2)
            #expect(Set(pseudonyms).count == 1, "one name in two cases is one pseudonym")
            #expect(lines.allSatisfy { $0.contains("client.address=127.0.0.1") })

            // The key is the installation's, kept in the database: after a restart the same name has the
            // same pseudonym.
            await server.terminate()
            try await server.restart()
            _ = try await server.post("/auth/login", json: LiveServer.credentials(typed, "whatever it is"))
            try await Task.sleep(for: .milliseconds(200))
            let again = server.log(limit: 100_000).split(separator: "\n").filter { $0.contains("Login failed") }
            let pseudonym = again.last.flatMap { line in line.split(separator: " ").first { $0.hasPrefix("username.pseudonym=") } }
            #expect(pseudonym != nil && pseudonym == pseudonyms.first)
        }
    }
}
