import Foundation
import Testing

/// `JWT_AUTH_<NAME>_FILE` on the real binary: a variable given with its `_FILE`, or a file that cannot be
/// read, stops start-up with one line and exit 2; `serve --help` warns that a flag's secret is visible.
@Suite struct SecretFileCommandTests {
    static let secret = "a secret from a file, at least thirty-two bytes"

    @Test func aVariableAndItsFileTogetherStopStartUp() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("secret", Self.secret + "\n")
        let result = try sandbox.run(
            ["serve", "--port", "0"],
            environment: ["JWT_AUTH_SECRET": Self.secret, "JWT_AUTH_SECRET_FILE": "secret"]
        )
        #expect(result.status == 2)
        #expect(result.stderr == "JWT_AUTH_SECRET_FILE: give either JWT_AUTH_SECRET or JWT_AUTH_SECRET_FILE, not both\n")
        #expect(!result.stderr.contains(Self.secret))
        #expect(try sandbox.files() == ["secret"])
    }

    @Test(arguments: ["JWT_AUTH_SECRET_FILE", "JWT_AUTH_DATABASE_URL_FILE", "JWT_AUTH_BLOCKLIST_URL_FILE", "JWT_AUTH_INTROSPECTION_CLIENTS_FILE"])
    func anUnreadableFileStopsStartUp(variable: String) throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(["serve", "--port", "0"], environment: [variable: "missing"])
        #expect(result.status == 2)
        #expect(result.stderr == "\(variable): cannot read missing: no such file\n")
        #expect(try sandbox.files().isEmpty)
    }

    @Test func theUsersCommandsReadTheDatabaseURLFromItsFile() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("database", "sqlite:users.sqlite\n")
        let environment = ["JWT_AUTH_DATABASE_URL_FILE": "database", "JWT_AUTH_BCRYPT_COST": "4"]
        let added = try sandbox.run(["users", "add", "gustav"], input: "correct horse battery\n", environment: environment)
        #expect(added.status == 0, "\(added.stderr)")
        #expect(try sandbox.files().contains("users.sqlite"))
    }

    @Test func serveHelpSaysThatAFlagsSecretIsVisibleInTheProcessList() throws {
        let result = try CLISandbox().run(["serve", "--help"])
        #expect(result.status == 0)
        let help = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(help.contains("visible to other users of the machine in the process list"))
        #expect(help.contains("JWT_AUTH_<NAME>_FILE"))
        #expect(help.contains("env JWT_AUTH_SECRET or JWT_AUTH_SECRET_FILE"))
    }
}
