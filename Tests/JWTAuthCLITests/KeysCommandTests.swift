import Foundation
import JWTAuth
import Testing

@Suite struct KeysCommandTests {
    @Test(arguments: ["ES256", "ES384", "ES512", "EdDSA", "RS256", "PS256", "HS256"])
    func generatedKeysSignTokensThatVerify(alg: String) throws {
        let sandbox = try CLISandbox()
        let generated = try sandbox.run(["keys", "generate", "--alg", alg])
        #expect(generated.status == 0)
        let output = try generated.json()
        let kid = try #require(output["kid"]?.stringValue)
        #expect(output["alg"] == .string(alg))
        let keyFile = alg == "HS256" ? "key-\(kid).secret" : "key-\(kid).pem"
        #expect(try sandbox.files() == [keyFile])
        #expect(try sandbox.permissions(keyFile) == 0o600)
        #expect(generated.stderr.contains(keyFile))

        let verificationFile: String
        if alg == "HS256" {
            #expect(output == ["kid": .string(kid), "alg": "HS256", "file": .string(keyFile)])
            #expect(try sandbox.read(keyFile).hasPrefix("base64:"))
            verificationFile = keyFile
        } else {
            #expect(output["use"] == "sig")
            #expect(output["d"] == nil)
            #expect(try sandbox.read(keyFile).hasPrefix("-----BEGIN PRIVATE KEY-----"))
            #expect(try sandbox.run(["keys", "thumbprint", "--key", keyFile]).line == kid)
            try sandbox.write("public.jwk", generated.stdout)
            verificationFile = "public.jwk"
        }

        let encoded = try sandbox.run([
            "token", "encode", "--alg", alg, "--key", keyFile, "--kid=\(kid)", "--sub", "42", "--ttl", "5m", #"{"roles":["admin"]}"#,
        ])
        #expect(encoded.status == 0)
        #expect(encoded.stderr.isEmpty)
        let verified = try sandbox.run(["token", "verify", "--key", verificationFile, encoded.line])
        #expect(verified.status == 0)
        #expect(verified.stderr.isEmpty)
        let json = try verified.json()
        #expect(Set(json.keys) == ["header", "claims"])
        #expect(json["header"]?["alg"] == .string(alg))
        #expect(json["header"]?["kid"] == .string(kid))
        #expect(json["claims"]?["sub"] == "42")
        #expect(json["claims"]?["roles"] == ["admin"])
        let issuedAt = try #require(json["claims"]?["iat"]?.intValue)
        #expect(json["claims"]?["exp"]?.intValue == issuedAt + 300)
    }

    @Test func generateNeverOverwritesAFile() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("taken.pem", "keep me\n")
        let result = try sandbox.run(["keys", "generate", "--alg", "ES256", "--out", "taken.pem"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "io_error: taken.pem already exists; it is never overwritten\n")
        #expect(try sandbox.read("taken.pem") == "keep me\n")

        let written = try sandbox.run(["keys", "generate", "--alg", "EdDSA", "--out", "new.pem"])
        #expect(written.status == 0)
        #expect(try sandbox.permissions("new.pem") == 0o600)
        let again = try sandbox.run(["keys", "generate", "--alg", "EdDSA", "--out", "new.pem"])
        #expect(again.status == 1)
        #expect(try JWTKey(pem: try sandbox.read("new.pem")).thumbprint == (try written.json())["kid"]?.stringValue)
    }

    @Test func thumbprintMatchesRFC7638Example() throws {
        // RFC 7638 §3.1.
        let sandbox = try CLISandbox()
        try sandbox.write(
            "rfc7638.jwk",
            """
            {"kty": "RSA", "e": "AQAB", "alg": "RS256", "kid": "2011-04-29",
             "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}
            """
        )
        let result = try sandbox.run(["keys", "thumbprint", "--key", "rfc7638.jwk"])
        #expect(result.status == 0)
        #expect(result.stdout == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs\n")
    }

    @Test func thumbprintOfAPrivateKeyIsThatOfItsPublicKey() throws {
        let sandbox = try CLISandbox()
        let key = try JWTKey.generate(.es384)
        try sandbox.write("private.pem", try #require(key.pemRepresentation))
        try sandbox.write("public.pem", try #require(key.publicKey?.pemRepresentation))
        #expect(try sandbox.run(["keys", "thumbprint", "--key", "private.pem"]).line == key.thumbprint)
        #expect(try sandbox.run(["keys", "thumbprint", "--key", "public.pem"]).line == key.thumbprint)
    }

    @Test func thumbprintRefusesASecret() throws {
        let sandbox = try CLISandbox()
        let result = try sandbox.run(["keys", "thumbprint", "--secret", String(repeating: "s", count: 40)])
        #expect(result.status == 1)
        #expect(result.stderr == "invalid_key: The key is not a PEM or JWK key\n")
    }
}
