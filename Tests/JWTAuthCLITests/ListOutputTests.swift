import Foundation
import JWTAuth
import JWTAuthTestSupport
import Testing

/// `users list` and `keys list` print alike: one JSON object per line when standard output is not a
/// terminal (or with `--json`), a table on a terminal (run under `script`, which gives it one); `retire_at`
/// is an RFC 3339 time.
@Suite struct ListOutputTests {
    static let environment = ["JWT_AUTH_BCRYPT_COST": "4"]

    func lines(_ result: CLIResult) throws -> [JSONValue] {
        try result.stdout.split(separator: "\n").map { try JSONParser().parse(Array($0.utf8)) }
    }

    @Test func bothListsAreJSONLinesThroughAPipe() throws {
        let sandbox = try CLISandbox()
        #expect(
            try sandbox.run(["users", "add", "ulla", "--role", "admin"], input: "correct horse battery\n", environment: Self.environment).status == 0
        )
        #expect(try sandbox.run(["users", "add", "ute"], input: "correct horse battery\n", environment: Self.environment).status == 0)
        let users = try lines(try sandbox.run(["users", "list"], environment: Self.environment))
        #expect(users.map { $0["username"]?.stringValue } == ["ulla", "ute"])
        #expect(users.first?["roles"] == ["admin"])
        #expect(try lines(try sandbox.run(["users", "list", "--json"], environment: Self.environment)) == users)

        let first = try sandbox.run(["keys", "rotate"], environment: Self.environment)
        let second = try sandbox.run(["keys", "rotate"], environment: Self.environment)
        let keys = try lines(try sandbox.run(["keys", "list"], environment: Self.environment))
        #expect(keys.count == 2)
        let current = try #require(keys.first { $0["kid"]?.stringValue == second.line })
        #expect(current["current"] == true && current["retire_at"] == nil)
        // No service has run to stamp the retirement yet (UsersPasswdTests sees it stamped, in RFC 3339).
        #expect(keys.first { $0["kid"]?.stringValue == first.line }?["retire_at"] == .null)
    }

    /// `script arguments…` in the sandbox: the command it runs has a terminal as its standard output.
    func terminal(_ arguments: [String], in sandbox: CLISandbox) throws -> CLIResult {
        let output = try ChildProcess.run("/usr/bin/script", arguments, input: [], environment: Self.environment, directory: sandbox.directory.path)
        return CLIResult(
            status: output.status,
            stdout: String(decoding: output.standardOutput, as: UTF8.self),
            stderr: String(decoding: output.standardError, as: UTF8.self)
        )
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/script"), "needs script(1) for a terminal"))
    func aTerminalGetsATableAndJSONWhenAsked() throws {
        let sandbox = try CLISandbox()
        #expect(try sandbox.run(["users", "add", "tara"], input: "correct horse battery\n", environment: Self.environment).status == 0)
        let executable = try #require(CLISandbox.executable).path
        let table = try terminal(["-qec", "\(executable) users list", "/dev/null"], in: sandbox)
        let rows = table.stdout.split(whereSeparator: \.isNewline).map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        #expect(rows.first == ["ID", "USERNAME", "ROLES", "DISABLED"], "\(table.stdout)")
        #expect(rows.dropFirst().first?.dropFirst().first == "tara")
        let json = try terminal(["-qec", "\(executable) users list --json", "/dev/null"], in: sandbox)
        #expect(json.stdout.hasPrefix("{"), "\(json.stdout)")
    }
}
