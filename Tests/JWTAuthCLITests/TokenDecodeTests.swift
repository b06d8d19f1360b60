import JWTAuth
import Testing

@Suite struct TokenDecodeTests {
    @Test func decodePrintsHeaderAndClaimsMarkedUnverified() throws {
        let sandbox = try CLISandbox()
        let token = try TokenIssuer(key: JWTKey.generate(.es256, keyID: "k1")).sign(claims: JWTClaims(members: ["sub": "42", "n": 1.5]))
        for arguments in [["token", "decode", token], ["token", "decode", "-"]] {
            let result = try sandbox.run(arguments, input: token)
            #expect(result.status == 0)
            #expect(
                try result.json() == [
                    "header": ["alg": "ES256", "kid": "k1", "typ": "JWT"], "claims": ["sub": "42", "n": 1.5], "verified": false,
                ]
            )
            #expect(result.stderr.contains("NOT verified"))
        }
    }

    @Test func decodeOutputIsSortedAndIndented() throws {
        let sandbox = try CLISandbox()
        let token = try TokenIssuer(key: JWTKey.hmac(secret: TokenEncodeTests.secret)).sign(claims: JWTClaims(members: ["b": [1], "a": [:]]))
        let result = try sandbox.run(["token", "decode", token])
        #expect(
            result.stdout == """
                {
                  "claims": {
                    "a": {},
                    "b": [
                      1
                    ]
                  },
                  "header": {
                    "alg": "HS256",
                    "typ": "JWT"
                  },
                  "verified": false
                }

                """
        )
    }

    @Test(arguments: ["abc", "a.b", "a.b.c.d", "e30.e30.!!", "eyJhbGciOiJIUzI1NiJ9.bm90IGpzb24.c2ln"])
    func malformedTokensAreInvalid(token: String) throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(["token", "decode", token])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("invalid_token: "))
        #expect(!result.stderr.contains(token))
    }
}
