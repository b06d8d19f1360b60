import Foundation
import JWTAuth
import JWTAuthTesting
import Testing

/// `--key` names a file (or `-`), never a secret; an inline secret needs `--secret` (issue 15).
@Suite struct KeyFileTests {
    static let secret = TokenEncodeTests.secret

    /// Runs `arguments` and checks that it failed with `invalid_key: <expected>` and printed nothing.
    static func expectInvalidKey(
        _ sandbox: CLISandbox,
        _ arguments: [String],
        _ expected: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let result = try sandbox.run(arguments)
        #expect(result.status == 1, sourceLocation: sourceLocation)
        #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
        #expect(result.stderr == "invalid_key: \(expected)\n", sourceLocation: sourceLocation)
    }

    @Test(.bug(id: 15, "a missing key file was used as the secret"))
    func aMissingKeyFileIsAnErrorNotASecret() throws {
        let sandbox = try CLISandbox()
        let path = "/run/secrets/jwt_signing_secret_file.txt"
        try Self.expectInvalidKey(sandbox, ["token", "encode", "--key", path, "--sub", "alice"], "\(path): no such file")
        let token = try TokenFactory(key: JWTKey.hmac(secret: Self.secret)).token(claims: ["sub": "alice"])
        try Self.expectInvalidKey(sandbox, ["token", "verify", "--key", "missing", token], "missing: no such file")
        // A value that was once taken as the secret itself is now only a file name.
        try Self.expectInvalidKey(sandbox, ["token", "verify", "--key", Self.secret, token], "\(Self.secret): no such file")
        try Self.expectInvalidKey(sandbox, ["keys", "thumbprint", "--key", "key.pem"], "key.pem: no such file")
    }

    @Test(.bug(id: 15, "a missing key file was used as the secret"))
    func anUnreadableKeyFileSaysWhy() throws {
        let sandbox = try CLISandbox()
        try FileManager.default.createDirectory(at: sandbox.directory.appending(path: "keys"), withIntermediateDirectories: false)
        try Self.expectInvalidKey(sandbox, ["token", "encode", "--key", "keys", "--sub", "alice"], "keys: is a directory")
        try sandbox.write("locked.txt", Self.secret)
        try FileManager.default.setAttributes([.posixPermissions: 0o000], ofItemAtPath: sandbox.directory.appending(path: "locked.txt").path)
        // Root reads any file: the reason is then checked only when the file really is unreadable.
        if getuid() != 0 {
            try Self.expectInvalidKey(sandbox, ["token", "encode", "--key", "locked.txt", "--sub", "alice"], "locked.txt: permission denied")
        }
    }

    @Test func aSecretGivenWithSecretRoundTrips() throws {
        let sandbox = try CLISandbox()
        let encoded = try sandbox.run(["token", "encode", "--secret", Self.secret, "--sub", "alice"])
        #expect(encoded.status == 0)
        let verified = try sandbox.run(["token", "verify", "--secret", Self.secret, encoded.line])
        #expect(verified.status == 0)
        #expect(try verified.json()["claims"] == ["sub": "alice"])
        #expect(
            try JWTDecoder(keys: JWTKeySet([JWTKey.hmac(secret: Self.secret)])).verifySignature(UnverifiedToken(encoded.line)).claims.subject
                == "alice"
        )
        // A secret starting with `-` is a value, not an option.
        let dashed = "-" + Self.secret
        let withDash = try sandbox.run(["token", "encode", "--secret", dashed, "--sub", "alice"])
        #expect(try sandbox.run(["token", "verify", "--secret", dashed, withDash.line]).status == 0)
    }

    @Test func aSecretFileSignsAndVerifies() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("secret.txt", Self.secret + "\n")
        let encoded = try sandbox.run(["token", "encode", "--key", "secret.txt", "--sub", "alice"])
        #expect(encoded.status == 0)
        #expect(try sandbox.run(["token", "verify", "--secret", Self.secret, encoded.line]).status == 0)
        #expect(try sandbox.run(["token", "verify", "--key", "secret.txt", encoded.line]).status == 0)
    }

    @Test func keyFromStandardInput() throws {
        let sandbox = try CLISandbox()
        let key = try JWTKey.generate(.es256)
        let pem = try #require(key.pemRepresentation)
        let encoded = try sandbox.run(["token", "encode", "--key=-", "--sub", "alice"], input: pem)
        #expect(encoded.status == 0)
        #expect(try UnverifiedToken(encoded.line).header.algorithm == "ES256")
        let publicPEM = try #require(key.publicKey?.pemRepresentation)
        let verified = try sandbox.run(["token", "verify", "--key", "-", encoded.line], input: publicPEM)
        #expect(verified.status == 0)
        #expect(try verified.json()["claims"] == ["sub": "alice"])
        // A secret on standard input loses its final line break, as a secret file does.
        let fromSecret = try sandbox.run(["token", "encode", "--key", "-", "--sub", "alice"], input: Self.secret + "\n")
        #expect(try sandbox.run(["token", "verify", "--secret", Self.secret, fromSecret.line]).status == 0)
    }

    @Test(arguments: [
        ["token", "encode", "--key", "secret.txt", "--secret", secret, "--sub", "alice"],
        ["token", "verify", "--secret", secret, "--key=secret.txt", "t.t.t"],
        ["keys", "thumbprint", "--key", "key.pem", "--secret", secret],
        ["token", "encode", "--sub", "alice"],
        ["token", "verify", "t.t.t"],
        // Standard input cannot hold both the key and the token or claims.
        ["token", "verify", "--key", "-", "-"],
        ["token", "encode", "--key", "-", "-"],
    ])
    func keyAndSecretTogetherOrNeitherIsAUsageError(arguments: [String]) throws {
        let sandbox = try CLISandbox()
        try sandbox.write("secret.txt", Self.secret)
        let result = try sandbox.run(arguments, input: Self.secret)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: "))
        #expect(!result.stderr.contains(Self.secret))
    }

    @Test func secretHelpWarnsOfTheProcessList() throws {
        let help = try CLISandbox().run(["token", "encode", "--help"])
        #expect(help.status == 0)
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("Visible to other users of this machine in the process list"))
    }

    @Test(.bug(id: 15, "an asymmetric key given as JWT_AUTH_SECRET was met with advice to allow a weak secret"))
    func servePointsAnAsymmetricSecretToTheKeyFile() throws {
        let sandbox = try CLISandbox()
        let key = try JWTKey.generate(.es256)
        for text in [try #require(key.pemRepresentation), String(describing: JSONValue.object(try #require(key.publicKey?.publicJWK)))] {
            // An address no interface has: were the secret accepted, serve would fail to listen rather than run on.
            let result = try sandbox.run(
                ["serve", "--host", "192.0.2.1", "--port", "0"],
                environment: ["JWT_AUTH_SECRET": text, "JWT_AUTH_DATA_DIR": sandbox.directory.appending(path: "data").path]
            )
            #expect(result.status == 2)
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.hasPrefix("JWT_AUTH_SECRET: "), "\(result.stderr)")
            #expect(result.stderr.contains("asymmetric key"))
            #expect(result.stderr.contains("JWT_AUTH_KEY_FILE"))
            #expect(!result.stderr.contains("ALLOW_WEAK_SECRET"))
        }
        // A short secret still gets the advice.
        let short = try sandbox.run(
            ["serve", "--host", "192.0.2.1", "--port", "0"],
            environment: ["JWT_AUTH_SECRET": "sh0rt-s3cret", "JWT_AUTH_DATA_DIR": sandbox.directory.appending(path: "data").path]
        )
        #expect(short.status == 2)
        #expect(short.stderr.contains("JWT_AUTH_ALLOW_WEAK_SECRET"))
    }
}
