import HTTPTypes
import Hummingbird
import JWTAuth
import Testing

/// Races between clients of one live server: each write wins exactly once.
@Suite struct ConcurrencyTests {
    @Test func fiftyConcurrentRefreshesWithOneTokenSucceedOnce() async throws {
        try await LiveServer.with { server in
            try await server.register("quentin")
            let login = try await server.login("quentin")
            let responses = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for _ in 0..<50 {
                    group.addTask { try await server.post("/auth/refresh", token: login.refresh) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let statuses = responses.map(\.status)
            #expect(statuses.count(where: { $0 == .ok }) == 1)
            #expect(statuses.count(where: { $0 == .unauthorized }) == 49, "\(responses.filter { $0.status != .ok && $0.status != .unauthorized })")
            #expect(responses.filter { $0.status == .unauthorized }.allSatisfy { $0.error == "token_revoked" })
            // The 49 reuses revoked the family: the winner's new pair is dead too, the login's access token also.
            let winner = try #require(responses.first { $0.status == .ok })
            let access = try #require(winner.json["access_token"]?.stringValue)
            let refresh = try #require(winner.json["refresh_token"]?.stringValue)
            #expect(try await server.get("/api/protected", token: access).error == "token_revoked")
            #expect(try await server.post("/auth/refresh", token: refresh).error == "token_revoked")
            #expect(try await server.get("/api/protected", token: login.access).error == "token_revoked")
        }
    }

    @Test func thirtyConcurrentRegistrationsOfOneNameCreateOneUser() async throws {
        // Throttling off: the check below tries 29 wrong passwords.
        try await LiveServer.with(["--login-attempts", "0"]) { server in
            let responses = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
                for index in 0..<30 {
                    group.addTask { try await server.post("/auth/register", json: LiveServer.credentials("rupert", "password number \(index)")) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let created = responses.filter { $0.status == .created }
            #expect(created.count == 1)
            #expect(
                responses.filter { $0.status == .conflict }.count == 29,
                "\(responses.filter { $0.status != .created && $0.status != .conflict })"
            )
            #expect(responses.filter { $0.status == .conflict }.allSatisfy { $0.error == "conflict" })
            #expect(created.first?.json["username"] == "rupert")
            // Exactly one of the thirty passwords logs in.
            var accepted = 0
            for index in 0..<30 {
                let response = try await server.post("/auth/login", json: LiveServer.credentials("rupert", "password number \(index)"))
                if response.status == .ok { accepted += 1 }
            }
            #expect(accepted == 1)
            let list = try await server.command(["users", "list"])
            #expect(list.stdout.split(separator: "\n").count == 1)
        }
    }
}
