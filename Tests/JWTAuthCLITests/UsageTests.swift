import Testing

@Suite struct UsageTests {
    @Test(arguments: [
        ["token", "verify", "--key", "secret"],
        ["token", "verify", "--key", "secret", "--leeway", "soon", "t.t.t"],
        ["token", "verify", "--key", "secret", "--alg", "none", "t.t.t"],
        ["token", "encode", "--key", "secret", "not json"],
        ["token", "encode", "--key", "secret", "--ttl", "0", "{}"],
        ["keys", "generate", "--alg", "RSA"],
        ["token", "frobnicate"],
        ["token", "verify", "--key", "secret", "--unknown", "t.t.t"],
    ])
    func usageErrorsExitWith2(arguments: [String]) throws {
        let result = try CLISandbox().run(arguments)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("Error: "))
    }

    @Test(arguments: [["--help"], ["token", "--help"], ["token", "verify", "--help"], ["keys", "generate", "--help"], []])
    func helpExitsWith0(arguments: [String]) throws {
        let result = try CLISandbox().run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("USAGE: jwt-auth"))
    }

    @Test func usageErrorsDoNotRepeatKeysOrTokens() throws {
        let pem = "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIHWPeo/Z6NJtV10QXP6oI/Bqdw3bzEw+Pig+7Y6odDy3\n-----END PRIVATE KEY-----"
        let token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl"
        for arguments in [["token", "verify", "--key", pem, token], ["token", "verify", "--key", "secret-file", token, token]] {
            let result = try CLISandbox().run(arguments)
            #expect(result.status == 2)
            #expect(!result.stderr.contains("MC4CAQAw"))
            #expect(!result.stderr.contains(token))
            #expect(result.stderr.contains("<redacted>"))
        }
    }
}
