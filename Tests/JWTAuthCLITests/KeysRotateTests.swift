import Foundation
import JWTAuth
import Testing

/// `jwt-auth keys rotate`, `retire` and `list` on a data directory.
@Suite struct KeysRotateTests {
    @Test func rotateRetireAndList() throws {
        let sandbox = try CLISandbox()
        let first = try sandbox.run(["keys", "rotate", "--data-dir", "data"])
        #expect(first.status == 0)
        let second = try sandbox.run(["keys", "rotate", "--data-dir", "data"])
        #expect(second.status == 0)
        #expect(first.line != second.line)
        #expect(try sandbox.permissions("data/keys/key-\(second.line).pem") == 0o600)

        let listed = try sandbox.run(["keys", "list", "--data-dir", "data"])
        let entries = try listed.stdout.split(separator: "\n").map { try JSONParser().parse(Array($0.utf8)) }
        #expect(entries.count == 2)
        #expect(entries.first { $0["kid"]?.stringValue == second.line }?["current"] == true)
        #expect(!listed.stdout.contains("\"d\""))

        let refused = try sandbox.run(["keys", "retire", "--data-dir", "data", "--", second.line])
        #expect(refused.status == 1)
        #expect(refused.stderr.contains("current signing key"))
        let retired = try sandbox.run(["keys", "retire", "--data-dir", "data", "--", first.line])
        #expect(retired.status == 0)
        let after = try sandbox.run(["keys", "list", "--data-dir", "data"]).stdout.split(separator: "\n").map {
            try JSONParser().parse(Array($0.utf8))
        }
        #expect(after.count == 1)
    }

    /// A stored RSA key keeps the algorithm it was made for: `token encode --key` with a PS256 key of the
    /// key directory signs PS256 (a bare PEM would say RS256), and `token verify` with it accepts the token.
    @Test func aStoredKeyKeepsItsAlgorithmForTheTokenCommands() throws {
        let sandbox = try CLISandbox()
        let rotated = try sandbox.run(["keys", "rotate", "--data-dir", "data", "--algorithm", "PS256"])
        #expect(rotated.status == 0)
        let file = "data/keys/key-\(rotated.line).pem"
        let encoded = try sandbox.run(["token", "encode", "--key", file, "--kid=\(rotated.line)", "--sub", "billing"])
        #expect(encoded.status == 0)
        #expect(try UnverifiedToken(encoded.line).header.algorithm == "PS256")
        let verified = try sandbox.run(["token", "verify", "--key", file, "--", encoded.line])
        #expect(verified.status == 0, "\(verified.stderr)")
    }
}
