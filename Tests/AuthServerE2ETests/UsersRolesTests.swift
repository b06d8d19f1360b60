import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// `jwt-auth users roles NAME [--add ROLE]... [--remove ROLE]...` beside a live server: both in one change, a
/// removed role ends every session of the user, an added one ends none.
@Suite struct UsersRolesTests {
    /// The user's JSON line that a `users` command printed.
    static func printed(_ result: CommandResult) throws -> JSONValue {
        try JSONParser().parse(Array(result.stdout.utf8))
    }

    @Test(.bug(id: 19, "a removed role stayed in the user's tokens"))
    func aRemovedRoleEndsEverySessionOfTheUserAndAnAddedOneNone() async throws {
        try await LiveServer.with { server in
            _ = try await server.register("rosa")
            let granted = try await server.command(["users", "roles", "rosa", "--add", "admin", "--add", "ops"])
            #expect(granted.exit.status == 0, "\(granted.stderr)")
            #expect(try Self.printed(granted)["roles"] == ["admin", "ops"])
            #expect(try Self.printed(granted)["username"] == "rosa")
            let session = try await server.login("rosa")
            #expect(try claims(of: session.access)["roles"] == ["admin", "ops"])
            #expect(try await server.get("/api/admin", token: session.access).status == .ok)
            _ = try await server.register("other")
            let bystander = try await server.login("other")

            // Adding ends no session; neither does removing a role the user does not have.
            let added = try await server.command(["users", "roles", "rosa", "--add", "auditor", "--remove", "ghost"])
            #expect(added.exit.status == 0, "\(added.stderr)")
            #expect(try Self.printed(added)["roles"] == ["admin", "ops", "auditor"])
            // With neither flag, the user as stored.
            let shown = try await server.command(["users", "roles", "ROSA"])
            #expect(shown.exit.status == 0, "\(shown.stderr)")
            #expect(try Self.printed(shown)["roles"] == ["admin", "ops", "auditor"])
            // The server reads revocations another process wrote within a second: give it the time to.
            try await Task.sleep(for: .seconds(2))
            #expect(try await server.get("/api/protected", token: session.access).status == .ok)

            let removed = try await server.command(["users", "roles", "rosa", "--remove", "admin", "--add", "billing"])
            #expect(removed.exit.status == 0, "\(removed.stderr)")
            #expect(try Self.printed(removed)["roles"] == ["ops", "auditor", "billing"])
            for _ in 0..<200 where try await server.get("/api/protected", token: session.access).status == .ok {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(try await server.get("/api/protected", token: session.access).error == "token_revoked")
            #expect(try await server.get("/api/admin", token: session.access).status == .unauthorized)
            #expect(try await server.post("/auth/refresh", token: session.refresh).status == .unauthorized)
            #expect(try await server.get("/api/protected", token: bystander.access).status == .ok, "another user's session stays")
            // A new login carries the roles as they are now.
            let again = try await server.login("rosa")
            #expect(try claims(of: again.access)["roles"] == ["ops", "auditor", "billing"])
            #expect(try await server.get("/api/admin", token: again.access).status == .forbidden)
        }
    }

    @Test func anUnknownUserIsExit1AndAnUnknownFlagOrAConflictExit2() async throws {
        try await LiveServer.with { server in
            _ = try await server.register("sam")
            let unknown = try await server.command(["users", "roles", "nobody", "--add", "admin"])
            #expect(unknown.exit.status == 1)
            #expect(unknown.stderr == "not_found: No user named nobody\n")
            #expect(unknown.stdout.isEmpty)
            for arguments in [["--grant", "admin"], ["--add"], ["--add", "admin", "--remove", "admin"], []] {
                let refused = try await server.command(["users", "roles"] + (arguments.isEmpty ? [] : ["sam"]) + arguments)
                #expect(refused.exit.status == 2, "\(arguments): \(refused.stderr)")
                #expect(refused.stdout.isEmpty)
            }
            let shown = try await server.command(["users", "roles", "sam"])
            #expect(try Self.printed(shown)["roles"] == [], "a refused command changed the roles")
        }
    }

    @Test func withoutDataItCreatesNothing() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-roles-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CommandResult.run(["users", "roles", "alice", "--add", "admin"], directory: directory)
        #expect(result.exit.status == 1)
        #expect(result.stderr == "jwt-auth: no data at ./data (set --data-dir or JWT_AUTH_DATA_DIR)\n")
        #expect(!FileManager.default.fileExists(atPath: directory.appending(path: "data").path))
    }
}
