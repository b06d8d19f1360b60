import Foundation
import JWTAuth
import JWTAuthSQLite
import Testing

/// `jwt-auth users rename` and `users delete` on a file whose names clash under RFC 8265's comparison, which
/// the service then refuses to open (issue 15).
@Suite struct UsersRepairTests {
    /// No `JWT_AUTH_*` setting of the caller reaches the command.
    static let environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("JWT_AUTH_") }

    @Test(.bug(id: 15, "look-alike usernames"))
    func renameResolvesAClashThatRefusedTheDatabase() async throws {
        let sandbox = try CLISandbox()
        let path = try await Self.makeVersion1File(in: sandbox, users: ["Bob", "alice", "bob"])
        let refused = try sandbox.run(["users", "list", "--data-dir", "data"], environment: Self.environment)
        #expect(refused.status != 0)
        #expect(refused.stderr.contains("users 1, 3"), "\(refused.stderr)")
        #expect(refused.stderr.contains("jwt-auth users rename"), "\(refused.stderr)")

        let taken = try sandbox.run(["users", "rename", "bob", "ALICE", "--data-dir", "data"], environment: Self.environment)
        #expect(taken.status != 0 && taken.stderr.contains("conflict"), "\(taken.stderr)")
        let renamed = try sandbox.run(["users", "rename", "bob", "bobby", "--data-dir", "data"], environment: Self.environment)
        #expect(renamed.status == 0, "\(renamed.stderr)")
        #expect(try renamed.json()["id"] == .string("3") && renamed.json()["username"] == .string("bobby"))

        let store = try await SQLiteStore(path: path)
        #expect(try await store.user(named: "BOB")?.id == "1")
        #expect(try await store.user(named: "Bobby")?.id == "3")
        try await store.close()
        let listed = try sandbox.run(["users", "list", "--data-dir", "data"], environment: Self.environment)
        #expect(listed.status == 0 && listed.stdout.split(separator: "\n").count == 3, "\(listed.stderr)")
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func deleteResolvesAClashAndRevokesTheUsersTokens() async throws {
        let sandbox = try CLISandbox()
        let path = try await Self.makeVersion1File(in: sandbox, users: ["Bob", "bob"])
        let ambiguous = try sandbox.run(["users", "delete", "BOB", "--data-dir", "data"], environment: Self.environment)
        #expect(ambiguous.status != 0 && ambiguous.stderr.contains("ambiguous"), "\(ambiguous.stderr)")
        let deleted = try sandbox.run(["users", "delete", "Bob", "--data-dir", "data"], environment: Self.environment)
        #expect(deleted.status == 0, "\(deleted.stderr)")
        #expect(try deleted.json()["id"] == .string("1"))

        let store = try await SQLiteStore(path: path)
        #expect(try await store.allUsers().map(\.username) == ["bob"])
        #expect(try await store.user(named: "BOB")?.id == "2")
        let token = RevocationQuery(tokenID: "t", subject: "1", issuedAt: JWTClock.system.now - 60)
        #expect(try await store.isRevoked(token), "a token of the deleted user is not revoked")
        try await store.close()
        let missing = try sandbox.run(["users", "delete", "carol", "--data-dir", "data"], environment: Self.environment)
        #expect(missing.status != 0 && missing.stderr.contains("not_found"), "\(missing.stderr)")
    }

    /// `data/auth.sqlite` in `sandbox` as schema 1 (before username keys) left it, users given ids 1, 2, … in order.
    static func makeVersion1File(in sandbox: CLISandbox, users: [String]) async throws -> String {
        let directory = sandbox.directory.appending(path: "data")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appending(path: "auth.sqlite").path
        try await SQLiteStore.makeFile(path: path, schemaVersion: 1, users: users)
        return path
    }
}
