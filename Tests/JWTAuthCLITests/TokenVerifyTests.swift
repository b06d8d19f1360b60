import Crypto
import Foundation
import JWTAuth
import JWTAuthTesting
import Testing

@Suite struct TokenVerifyTests {
    /// A sandbox holding an ES256 key as `private.pem`, `public.pem` and `public.jwk`.
    struct Fixture {
        let sandbox: CLISandbox
        let key: JWTKey
        let factory: TokenFactory

        init() throws {
            sandbox = try CLISandbox()
            key = try JWTKey.generate(.es256)
            factory = try TokenFactory(key: key)
            let publicKey = try #require(key.publicKey)
            try sandbox.write("private.pem", try #require(key.pemRepresentation))
            try sandbox.write("public.pem", try #require(publicKey.pemRepresentation))
            try sandbox.write("public.jwk", String(describing: JSONValue.object(try #require(publicKey.publicJWK))))
        }

        func token(_ claims: [String: JSONValue]) throws -> String {
            try factory.token(claims: claims)
        }

        /// Runs `token verify` and checks that it failed with exactly `expected` and leaked nothing.
        func expectFailure(
            _ arguments: [String],
            token: String,
            _ expected: String,
            sourceLocation: SourceLocation = #_sourceLocation
        )
            throws
        {
            let result = try sandbox.run(["token", "verify"] + arguments + [token])
            #expect(result.status == 1, sourceLocation: sourceLocation)
            #expect(result.stdout.isEmpty, sourceLocation: sourceLocation)
            #expect(result.stderr == expected + "\n", sourceLocation: sourceLocation)
            #expect(!result.stderr.contains(token), sourceLocation: sourceLocation)
        }
    }

    struct ClaimsCase: Sendable, CustomTestStringConvertible {
        let name: String
        let claims: [String: JSONValue]
        let arguments: [String]
        let error: String
        var testDescription: String { name }
    }

    static let claimsCases: [ClaimsCase] = [
        ClaimsCase(name: "expired", claims: ["exp": 1000], arguments: ["--at", "2000"], error: "token_expired: Token has expired"),
        ClaimsCase(
            name: "expired beyond the leeway",
            claims: ["exp": 1000],
            arguments: ["--at", "1011", "--leeway", "10"],
            error: "token_expired: Token has expired"
        ),
        ClaimsCase(
            name: "not yet valid",
            claims: ["nbf": 3000],
            arguments: ["--at", "2000"],
            error: "invalid_token: The token is not yet valid (nbf)"
        ),
        ClaimsCase(
            name: "issued in the future",
            claims: ["iat": 3000],
            arguments: ["--at", "2000"],
            error: "invalid_token: The token is not yet valid (iat)"
        ),
        ClaimsCase(name: "wrong audience", claims: ["aud": "billing"], arguments: ["--aud", "ledger"], error: "invalid_token: Invalid audience"),
        ClaimsCase(name: "audience not asked for", claims: ["aud": "billing"], arguments: [], error: "invalid_token: Invalid audience"),
        ClaimsCase(
            name: "missing audience",
            claims: ["sub": "42"],
            arguments: ["--aud", "ledger"],
            error: #"invalid_token: Token is missing the "aud" claim"#
        ),
        ClaimsCase(name: "wrong issuer", claims: ["iss": "mallory"], arguments: ["--iss", "auth"], error: "invalid_token: Invalid issuer"),
        ClaimsCase(
            name: "required claim missing",
            claims: ["sub": "42"],
            arguments: ["--require", "sub", "--require", "jti"],
            error: #"invalid_token: Token is missing the "jti" claim"#
        ),
    ]

    @Test(arguments: claimsCases)
    func claimsAreChecked(_ claimsCase: ClaimsCase) throws {
        let fixture = try Fixture()
        try fixture.expectFailure(["--key", "public.pem"] + claimsCase.arguments, token: try fixture.token(claimsCase.claims), claimsCase.error)
    }

    @Test func validClaimsVerify() throws {
        let fixture = try Fixture()
        let token = try fixture.token(["sub": "42", "iss": "auth", "aud": ["ledger", "billing"], "exp": 1000, "nbf": 900, "iat": 900])
        let arguments = ["--iss", "auth", "--aud", "billing", "--require", "sub", "--at", "1005", "--leeway", "10s", token]
        let result = try fixture.sandbox.run(["token", "verify", "--key", "public.jwk"] + arguments)
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(try result.json()["claims"] == ["sub": "42", "iss": "auth", "aud": ["ledger", "billing"], "exp": 1000, "nbf": 900, "iat": 900])
    }

    @Test func tokenFromStandardInputVerifies() throws {
        let fixture = try Fixture()
        let result = try fixture.sandbox.run(["token", "verify", "--key", "private.pem", "-"], input: try fixture.token(["sub": "7"]) + "\n")
        #expect(result.status == 0)
        #expect(try result.json()["claims"] == ["sub": "7"])
    }

    @Test func badSignatureIsRefused() throws {
        let fixture = try Fixture()
        let other = try TokenFactory(key: try JWTKey.generate(.es256))
        try fixture.expectFailure(
            ["--key", "public.pem"],
            token: try other.token(claims: ["sub": "42"]),
            "invalid_token: Signature verification failed"
        )

        let parts = try fixture.token(["sub": "42"]).split(separator: ".")
        let tampered = [String(parts[0]), Base64URL.encode(Array(#"{"sub":"1"}"#.utf8)), String(parts[2])].joined(separator: ".")
        try fixture.expectFailure(["--key", "public.jwk"], token: tampered, "invalid_token: Signature verification failed")
    }

    @Test func algNoneIsNeverAccepted() throws {
        let fixture = try Fixture()
        let header = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
        let token = "\(header).\(Base64URL.encode(Array(#"{"sub":"admin"}"#.utf8)))."
        try fixture.expectFailure(["--key", "public.pem"], token: token, "invalid_token: The specified alg value is not allowed")
        let secret = String(repeating: "s", count: 32)
        try fixture.expectFailure(["--secret", secret], token: token, "invalid_token: The specified alg value is not allowed")
    }

    @Test(.bug("https://auth0.com/blog/critical-vulnerabilities-in-json-web-token-libraries/", "HS256 with a public key as its secret"))
    func publicKeyIsNeverAnHMACSecret() throws {
        let fixture = try Fixture()
        for file in ["public.pem", "public.jwk"] {
            // The attacker's token: HS256 keyed with the bytes of the published key.
            let input = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8)) + "." + Base64URL.encode(Array(#"{"sub":"admin"}"#.utf8))
            let secret = SymmetricKey(data: Array(try fixture.sandbox.read(file).utf8))
            let forged = input + "." + Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: secret)))
            try fixture.expectFailure(["--key", file], token: forged, "invalid_token: The specified alg value does not match the key")
            let withAlg = try fixture.sandbox.run(["token", "verify", "--key", file, "--alg", "HS256", forged])
            #expect(withAlg.status == 1)
            #expect(withAlg.stderr.hasPrefix("invalid_key: "))
        }
        // A key the PEM and JWK readers do not take is still refused as a secret.
        try fixture.sandbox.write("id_ed25519.pub", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq8gHpLr1cfWvfFOmMZPD7Pj6vZg6R1qHt7RD0a2a8H user@host\n")
        let ssh = try fixture.sandbox.run(["token", "verify", "--key", "id_ed25519.pub", try fixture.token(["sub": "42"])])
        #expect(ssh.status == 1)
        #expect(ssh.stderr == "invalid_key: The specified key is an asymmetric key and should not be used as an HMAC secret\n")
    }

    @Test func rsaKeyVerifiesEveryRSAAlgorithmUnlessPinned() throws {
        let sandbox = try CLISandbox()
        let key = try JWTKey(pem: try #require(try JWTKey.generate(.rs256).pemRepresentation), algorithm: .ps384)
        try sandbox.write("public.pem", try #require(key.publicKey?.pemRepresentation))
        let token = try TokenFactory(key: key).token(claims: ["sub": "42"])
        let result = try sandbox.run(["token", "verify", "--key", "public.pem", token])
        #expect(result.status == 0)
        #expect(try result.json()["header"]?["alg"] == "PS384")
        let pinned = try sandbox.run(["token", "verify", "--key", "public.pem", "--alg", "RS256", token])
        #expect(pinned.status == 1)
        #expect(pinned.stderr == "invalid_token: The specified alg value is not allowed\n")
    }

    @Test func jwkSetSelectsTheKeyByKid() throws {
        let sandbox = try CLISandbox()
        let ec = try JWTKey.generate(.es256, keyID: "ec")
        let rsa = try JWTKey.generate(.rs256, keyID: "rsa")
        let set = try JWTKeySet([ec, rsa])
        try sandbox.write("jwks.json", String(describing: set.publicJWKS))
        let verified = try sandbox.run(["token", "verify", "--key", "jwks.json", try TokenFactory(key: rsa).token(claims: ["sub": "r"])])
        #expect(verified.status == 0)
        #expect(try verified.json()["claims"] == ["sub": "r"])

        let unknown = try TokenFactory(key: try JWTKey.generate(.es256, keyID: "other")).token(claims: [:])
        let unknownResult = try sandbox.run(["token", "verify", "--key", "jwks.json", unknown])
        #expect(unknownResult.stderr == "invalid_token: Unknown key id\n")
        let unnamed = try TokenFactory(key: ec.withKeyID(nil)).token(claims: [:])
        let unnamedResult = try sandbox.run(["token", "verify", "--key", "jwks.json", unnamed])
        #expect(unnamedResult.stderr == "invalid_token: The token has no kid and the key set has no default key\n")
        #expect(try sandbox.run(["token", "verify", "--key", "jwks.json", "--kid", "ec", unnamed]).status == 0)
        let missing = try sandbox.run(["token", "verify", "--key", "jwks.json", "--kid", "gone", unnamed])
        #expect(missing.status == 1)
        #expect(missing.stderr == "invalid_key: The JWK Set has no key with this kid\n")
    }

    @Test func rfc7515ExampleVerifiesWithItsJWK() throws {
        // RFC 7515 Appendix A.1: HS256, whose header and payload hold CRLFs and spaces.
        let sandbox = try CLISandbox()
        try sandbox.write(
            "rfc7515.jwk",
            #"{"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"}"#
        )
        let token =
            "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
            + ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
            + ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
        let result = try sandbox.run(["token", "verify", "--key", "rfc7515.jwk", "--at", "1300819300", token])
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        let json = try result.json()
        #expect(json["header"] == ["typ": "JWT", "alg": "HS256"])
        #expect(json["claims"] == ["iss": "joe", "exp": 1_300_819_380, "http://example.com/is_root": true])
        // Its exp is in 2011.
        let now = try sandbox.run(["token", "verify", "--key", "rfc7515.jwk", token])
        #expect(now.status == 1)
        #expect(now.stderr == "token_expired: Token has expired\n")
    }

    @Test func weakSecretsNeedAnExplicitFlag() throws {
        let sandbox = try CLISandbox()
        let refused = try sandbox.run(["token", "encode", "--secret", "too-short", #"{"sub":"1"}"#])
        #expect(refused.status == 1)
        #expect(refused.stderr == "invalid_key: The HMAC secret is shorter than 32 bytes, the size of the HS256 hash\n")
        let token = try sandbox.run(["token", "encode", "--secret", "too-short", "--allow-weak-secret", #"{"sub":"1"}"#]).line
        #expect(try sandbox.run(["token", "verify", "--secret", "too-short", token]).status == 1)
        let verified = try sandbox.run(["token", "verify", "--secret", "too-short", "--allow-weak-secret", token])
        #expect(verified.status == 0)
        #expect(!verified.stderr.contains("too-short"))
    }

    @Test func malformedTokenIsInvalid() throws {
        let fixture = try Fixture()
        try fixture.expectFailure(["--key", "public.pem"], token: "not-a-token", "invalid_token: Not enough segments")
    }
}
