import Foundation
import JWTAuth
import Testing

@Suite struct TokenEncodeTests {
    static let secret = "an HMAC secret of at least 32 bytes, for tests"
    /// HS512 needs a secret as long as its hash (RFC 7518 §3.2).
    static let longSecret = "an HMAC secret of at least 64 bytes, for HS512 tests: 0123456789abcdef"

    @Test func flagsAddServiceClaims() throws {
        let sandbox = try CLISandbox()
        let arguments = [
            "token", "encode", "--secret", Self.secret, "--sub", "billing", "--iss", "auth", "--aud", "ledger", "--aud", "audit",
            "--scope", "read", "--scope", "write", "--ttl", "2m", "--jti", "--at", "1000", #"{"tier":2}"#,
        ]
        let encoded = try sandbox.run(arguments)
        #expect(encoded.status == 0)
        let token = try UnverifiedToken(encoded.line)
        #expect(token.header.members == ["alg": "HS256", "typ": "JWT"])
        var claims = try token.claims().members
        let jti = try #require(claims.removeValue(forKey: "jti")?.stringValue)
        #expect(UUID(uuidString: jti) != nil)
        #expect(
            claims == [
                "sub": "billing", "iss": "auth", "aud": ["ledger", "audit"], "scope": "read write", "iat": 1000, "exp": 1120, "tier": 2,
            ]
        )
        #expect(try JWTDecoder(keys: JWTKeySet([JWTKey.hmac(secret: Self.secret)])).verifySignature(token).claims.subject == "billing")
    }

    @Test func claimsFromStandardInput() throws {
        let sandbox = try CLISandbox()
        let encoded = try sandbox.run(
            ["token", "encode", "--secret", Self.longSecret, "--alg", "HS512", "-"],
            input: #"{"sub": "42", "admin": true}"# + "\n"
        )
        #expect(encoded.status == 0)
        let verified = try sandbox.run(["token", "verify", "--secret", Self.longSecret, encoded.line])
        #expect(verified.status == 0)
        #expect(try verified.json()["header"]?["alg"] == "HS512")
        #expect(try verified.json()["claims"] == ["sub": "42", "admin": true])
    }

    @Test func secretFileAndKidFromJWK() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("secret.txt", Self.secret + "\n")
        let fromFile = try sandbox.run(["token", "encode", "--key", "secret.txt", #"{"sub":"1"}"#])
        #expect(try sandbox.run(["token", "verify", "--secret", Self.secret, fromFile.line]).status == 0)

        let key = try JWTKey.generate(.eddsa, keyID: "signing-1")
        try sandbox.write("private.jwk", String(describing: JSONValue.object(key.privateJWK)))
        let encoded = try sandbox.run(["token", "encode", "--key", "private.jwk", #"{"sub":"1"}"#])
        #expect(try UnverifiedToken(encoded.line).header.keyID == "signing-1")
    }

    @Test func publicKeyCannotSign() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("public.pem", try #require(try JWTKey.generate(.es256).publicKey?.pemRepresentation))
        let result = try sandbox.run(["token", "encode", "--key", "public.pem", #"{"sub":"1"}"#])
        #expect(result.status == 1)
        #expect(result.stderr == "invalid_key: The key cannot sign: it is a public key\n")
    }

    @Test func aClaimGivenTwiceIsAUsageError() throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(["token", "encode", "--secret", Self.secret, "--sub", "1", "-"], input: #"{"sub":"2"}"#)
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Error: The claim sub is given both by --sub and in the claims\n")
    }
}
