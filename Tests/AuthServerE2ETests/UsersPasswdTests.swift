import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// `jwt-auth users passwd NAME` beside a live server: the new password comes from standard input, every
/// session of the user ends at once, the old password stops working and the new one works.
@Suite struct UsersPasswdTests {
    @Test func aNewPasswordEndsEverySessionOfTheUser() async throws {
        try await LiveServer.with { server in
            _ = try await server.register("paula")
            let first = try await server.login("paula")
            let second = try await server.login("paula")
            _ = try await server.register("other")
            let bystander = try await server.login("other")

            let changed = try await server.command(["users", "passwd", "paula", "--bcrypt-cost", "4"], input: "a brand new password\n")
            #expect(changed.exit.status == 0, "\(changed.stderr)")
            #expect(changed.stdout.contains("\"username\":\"paula\""))
            #expect(!changed.stdout.contains("brand new") && !changed.stderr.contains("brand new"))

            // The server reads revocations another process wrote within a second.
            for _ in 0..<200 where try await server.get("/api/protected", token: second.access).status == .ok {
                try await Task.sleep(for: .milliseconds(50))
            }
            for token in [first.access, second.access] {
                #expect(try await server.get("/api/protected", token: token).error == "token_revoked")
            }
            #expect(try await server.post("/auth/refresh", token: first.refresh).status == .unauthorized)
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("paula")).status == .unauthorized)
            _ = try await server.login("paula", password: "a brand new password")
            #expect(try await server.get("/api/protected", token: bystander.access).status == .ok, "another user's session stays")
        }
    }

    @Test func aShortPasswordOrAnUnknownUserChangesNothing() async throws {
        try await LiveServer.with { server in
            _ = try await server.register("pia")
            let session = try await server.login("pia")
            let short = try await server.command(["users", "passwd", "pia"], input: "short\n")
            #expect(short.exit.status == 1)
            #expect(short.stderr.hasPrefix("bad_request: "), "\(short.stderr)")
            let unknown = try await server.command(["users", "passwd", "nobody", "--bcrypt-cost", "4"], input: "long enough password\n")
            #expect(unknown.exit.status == 1)
            #expect(unknown.stderr == "not_found: No user named nobody\n")
            #expect(try await server.get("/api/protected", token: session.access).status == .ok)
        }
    }

    /// A key rotated beside the server gets its retirement time from the server's next start, and `keys list`
    /// prints it as an RFC 3339 time.
    @Test func keysListPrintsRetireAtAsRFC3339() async throws {
        try await LiveServer.with { server in
            let rotated = try await server.command(["keys", "rotate"])
            #expect(rotated.exit.status == 0, "\(rotated.stderr)")
            await server.terminate()
            try await server.restart()
            var retireAt: String?
            for _ in 0..<100 where retireAt == nil {
                let listed = try await server.command(["keys", "list"])
                let lines = try listed.stdout.split(separator: "\n").map { try JSONParser().parse(Array($0.utf8)) }
                #expect(lines.count == 2, "\(listed.stdout)")
                retireAt = lines.first { $0["current"] == false }?["retire_at"]?.stringValue
                if retireAt == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            let text = try #require(retireAt, "the server never stamped the old key's retirement")
            #expect(text.wholeMatch(of: /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z/) != nil, "\(text)")
            #expect(try Date(text, strategy: .iso8601) > Date())
        }
    }
}
