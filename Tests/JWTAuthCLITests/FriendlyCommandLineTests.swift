import Foundation
import Testing

/// A mistyped command gets a suggestion; read-only commands never create data where there is none.
@Suite struct FriendlyCommandLineTests {
    @Test(arguments: [
        (["serv"], "serv", "serve", "jwt-auth"),
        (["sreve", "--port", "0"], "sreve", "serve", "jwt-auth"),
        (["tokne", "verify"], "tokne", "token", "jwt-auth"),
        (["users", "lst"], "lst", "list", "jwt-auth users"),
        (["keys", "rotat"], "rotat", "rotate", "jwt-auth keys"),
    ])
    func aMistypedCommandGetsTheNearestOne(arguments: [String], typed: String, nearest: String, usage: String) throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.first == "Error: Unknown command '\(typed)'. Did you mean '\(nearest)'?")
        #expect(result.stderr.contains("Usage: \(usage) <subcommand>"))
        #expect(try sandbox.files().isEmpty)
    }

    @Test(arguments: [["frobnicate"], ["token", "frobnicate"], ["users", "x"]])
    func nothingCloseGetsNoSuggestion(arguments: [String]) throws {
        let result = try CLISandbox().run(arguments)
        #expect(result.status == 2)
        #expect(!result.stderr.contains("Did you mean"))
        #expect(result.stderr.hasPrefix("Error: "))
    }

    @Test(arguments: [["users", "list"], ["keys", "list"]])
    func aReadOnlyCommandOnAnEmptyPlaceCreatesNothing(arguments: [String]) throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(arguments, environment: [:])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "jwt-auth: no data at ./data (set --data-dir or JWT_AUTH_DATA_DIR)\n")
        #expect(try sandbox.files().isEmpty)

        let elsewhere = try sandbox.run(arguments + ["--data-dir", "elsewhere"], environment: [:])
        #expect(elsewhere.status == 1)
        #expect(elsewhere.stderr == "jwt-auth: no data at elsewhere (set --data-dir or JWT_AUTH_DATA_DIR)\n")
        let fromTheEnvironment = try sandbox.run(arguments, environment: ["JWT_AUTH_DATA_DIR": "there"])
        #expect(fromTheEnvironment.stderr == "jwt-auth: no data at there (set --data-dir or JWT_AUTH_DATA_DIR)\n")
        #expect(try sandbox.files().isEmpty)
    }

    @Test func usersListNamesAMissingDatabaseFile() throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(["users", "list", "--database-url", "sqlite:users.sqlite"], environment: [:])
        #expect(result.status == 1)
        #expect(result.stderr == "jwt-auth: no data at users.sqlite (set --database-url or JWT_AUTH_DATABASE_URL)\n")
        #expect(try sandbox.files().isEmpty)
    }

    /// Where the service has run, the lists answer as before.
    @Test func theListsReadExistingData() throws {
        let sandbox = try CLISandbox()
        let environment = ["JWT_AUTH_BCRYPT_COST": "4"]
        let added = try sandbox.run(["users", "add", "hilde"], input: "correct horse battery\n", environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        let users = try sandbox.run(["users", "list"], environment: environment)
        #expect(users.status == 0, "\(users.stderr)")
        #expect(users.stdout.contains("\"hilde\""))
        let rotated = try sandbox.run(["keys", "rotate"], environment: environment)
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let keys = try sandbox.run(["keys", "list"], environment: environment)
        #expect(keys.status == 0, "\(keys.stderr)")
        #expect(keys.stdout.contains(rotated.line))
    }
}
