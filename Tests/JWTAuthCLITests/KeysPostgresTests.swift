import Foundation
import JWTAuth
import JWTAuthPostgres
import PostgresNIO
import Testing

/// `jwt-auth keys rotate`, `list` and `retire` with `--database-url postgres://…`: they act on the keys table of
/// the database (`JWT_AUTH_POSTGRES_URL`, set by scripts/postgres-test-server), not on the data directory.
/// Skipped without a server unless `JWT_AUTH_REQUIRE_SERVERS=1`.
@Suite(
    .enabled(
        if: ProcessInfo.processInfo.environment["JWT_AUTH_POSTGRES_URL"].map { !$0.isEmpty } ?? false
            || ProcessInfo.processInfo.environment["JWT_AUTH_REQUIRE_SERVERS"] == "1"
    )
)
struct KeysPostgresTests {
    /// A database of the test's own (the keys table is shared by everything on a database), dropped afterwards.
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        let base = try #require(
            ProcessInfo.processInfo.environment["JWT_AUTH_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 },
            "JWT_AUTH_POSTGRES_URL is not set: run the tests through scripts/postgres-test-server (scripts/test does)"
        )
        try await PostgresStore.withTemporaryDatabase(on: base, prefix: "jwt_auth_cli", body)
    }

    static func entries(_ result: CLIResult) throws -> [JSONValue] {
        try result.stdout.split(separator: "\n").map { try JSONParser().parse(Array($0.utf8)) }
    }

    @Test func rotateListAndRetireActOnTheDatabase() async throws {
        try await Self.withDatabase { url in
            let sandbox = try CLISandbox()
            let database = ["--data-dir", "data", "--database-url", url]
            let empty = try sandbox.run(["keys", "list"] + database)
            #expect(empty.status == 0)
            #expect(try Self.entries(empty).isEmpty)

            let first = try sandbox.run(["keys", "rotate"] + database)
            #expect(first.status == 0)
            let second = try sandbox.run(["keys", "rotate"] + database)
            #expect(second.status == 0)
            #expect(first.line != second.line)

            let listed = try sandbox.run(["keys", "list"] + database)
            #expect(listed.status == 0)
            let entries = try Self.entries(listed)
            #expect(Set(entries.compactMap { $0["kid"]?.stringValue }) == [first.line, second.line])
            #expect(entries.first { $0["kid"]?.stringValue == second.line }?["current"] == true)
            #expect(entries.first { $0["kid"]?.stringValue == first.line }?["current"] != true)
            #expect(!listed.stdout.contains("\"d\""))
            #expect(!listed.stdout.contains("PRIVATE"))

            // The keys are rows of the database, the current one a private ES256 key; nothing in the data directory.
            let store = try await PostgresStore.connect(url: url, timeout: .seconds(10))
            let rows = try await store.signingKeys()
            await store.close()
            #expect(rows.map(\.keyID).sorted() == [first.line, second.line].sorted())
            let current = try #require(rows.first { $0.isCurrent })
            #expect(current.keyID == second.line)
            let key = try JWTKey(pem: current.pem)
            #expect(key.algorithm == .es256 && key.canSign && key.thumbprint == second.line)
            #expect(!FileManager.default.fileExists(atPath: sandbox.directory.appending(path: "data/keys").path))

            let refused = try sandbox.run(["keys", "retire"] + database + ["--", second.line])
            #expect(refused.status == 1)
            #expect(refused.stderr.contains("current signing key"))
            let retired = try sandbox.run(["keys", "retire"] + database + ["--", first.line])
            #expect(retired.status == 0)
            let after = try Self.entries(try sandbox.run(["keys", "list"] + database))
            #expect(after.compactMap { $0["kid"]?.stringValue } == [second.line])
        }
    }
}
