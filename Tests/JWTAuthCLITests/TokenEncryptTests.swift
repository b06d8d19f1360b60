import Foundation
import JWTAuth
import Testing

/// `token encrypt`, `token decrypt` and `token verify --decrypt-key`, run as the built executable.
@Suite struct TokenEncryptTests {
    static func json(_ members: [String: JSONValue]) -> String {
        String(decoding: JSONWriter.encode(.object(members), sortedKeys: true), as: UTF8.self)
    }

    @Test(arguments: [KeyManagementAlgorithm.dir, .a256KW, .ecdhESA256KW, .ecdhES, .rsaOAEP256])
    func encryptThenDecryptClaims(algorithm: KeyManagementAlgorithm) throws {
        let sandbox = try CLISandbox()
        let key = try JWEKey.generate(algorithm, keyID: "k1")
        try sandbox.write("private.jwk", Self.json(key.privateJWK))
        try sandbox.write("public.jwk", Self.json(key.publicJWK ?? key.privateJWK))
        let encrypted = try sandbox.run(["token", "encrypt", "--key", "public.jwk", #"{"sub":"42","email":"zoe@example.com"}"#])
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        let token = encrypted.line
        #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 5)
        #expect(try EncryptedToken(token).header.algorithm == algorithm.name)
        #expect(try EncryptedToken(token).header.keyID == "k1")

        let decrypted = try sandbox.run(["token", "decrypt", "--key", "private.jwk", token])
        #expect(decrypted.status == 0, "\(decrypted.stderr)")
        let output = try decrypted.json()
        #expect(output["claims"] == ["sub": "42", "email": "zoe@example.com"])
        #expect(output["header"]?["alg"] == .string(algorithm.name))
        #expect(output["header"]?["enc"] == "A256GCM")
        // The token on standard input.
        #expect(try sandbox.run(["token", "decrypt", "--key", "private.jwk", "-"], input: token).json() == output)
    }

    @Test func aSignedTokenBecomesANestedToken() throws {
        let sandbox = try CLISandbox()
        let signing = try JWTKey.generate(.es256)
        try sandbox.write("signing.pem", try #require(signing.pemRepresentation))
        try sandbox.write("verify.pem", try #require(signing.publicKey?.pemRepresentation))
        let key = try JWEKey.generate(.ecdhESA256KW, curve: "X25519")
        try sandbox.write("private.jwk", Self.json(key.privateJWK))
        try sandbox.write("public.jwk", Self.json(try #require(key.publicJWK)))

        let jws = try sandbox.run(["token", "encode", "--key", "signing.pem", "--sub", "42", "--ttl", "15m"]).line
        let encrypted = try sandbox.run(["token", "encrypt", "--key", "public.jwk", "-"], input: jws)
        #expect(encrypted.status == 0, "\(encrypted.stderr)")
        let nested = encrypted.line
        #expect(try EncryptedToken(nested).header.contentType == "JWT")

        // decrypt shows the signed token as the payload.
        let decrypted = try sandbox.run(["token", "decrypt", "--key", "private.jwk", nested])
        #expect(try decrypted.json()["payload"] == .string(jws))

        // verify --decrypt-key decrypts, then verifies the signature and claims.
        let verified = try sandbox.run(["token", "verify", "--key", "verify.pem", "--decrypt-key", "private.jwk", nested])
        #expect(verified.status == 0, "\(verified.stderr)")
        #expect(try verified.json()["claims"]?["sub"] == "42")
        // Without --decrypt-key the nested token is not a JWS; with it, a plain JWS is refused.
        #expect(try sandbox.run(["token", "verify", "--key", "verify.pem", nested]).status == 1)
        let downgraded = try sandbox.run(["token", "verify", "--key", "verify.pem", "--decrypt-key", "private.jwk", jws])
        #expect(downgraded.status == 1)
        #expect(downgraded.stderr.hasPrefix("invalid_token: "))
    }

    @Test func aRawSymmetricKeyIsADirKey() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("secret.txt", "base64:" + Data(repeating: 3, count: 32).base64EncodedString())
        let token = try sandbox.run(["token", "encrypt", "--key", "secret.txt", #"{"sub":"1"}"#]).line
        let header = try EncryptedToken(token).header
        #expect(header.algorithm == "dir" && header.encryption == "A256GCM")
        #expect(try sandbox.run(["token", "decrypt", "--key", "secret.txt", token]).json()["claims"] == ["sub": "1"])
        // --enc chooses the content encryption; a 32-byte key also fits A128CBC-HS256.
        let cbc = try sandbox.run(["token", "encrypt", "--key", "secret.txt", "--enc", "A128CBC-HS256", "{}"]).line
        #expect(try EncryptedToken(cbc).header.encryption == "A128CBC-HS256")
        #expect(try sandbox.run(["token", "decrypt", "--key", "secret.txt", cbc]).status == 0)
        // But not A128GCM.
        let wrong = try sandbox.run(["token", "encrypt", "--key", "secret.txt", "--enc", "A128GCM", "{}"])
        #expect(wrong.status == 1)
        #expect(wrong.stderr.hasPrefix("invalid_key: "))
    }

    @Test func failuresExitWithOneAndNeverEchoTheToken() throws {
        let sandbox = try CLISandbox()
        let key = try JWEKey.generate(.a256KW)
        let other = try JWEKey.generate(.a256KW)
        try sandbox.write("key.jwk", Self.json(key.privateJWK))
        try sandbox.write("other.jwk", Self.json(other.privateJWK))
        let token = try key.encrypt(Array("{}".utf8))
        let wrongKey = try sandbox.run(["token", "decrypt", "--key", "other.jwk", token])
        #expect(wrongKey.status == 1)
        #expect(wrongKey.stderr == "invalid_token: Decryption failed\n")
        #expect(wrongKey.stdout.isEmpty)
        let rsa15 = Base64URL.encode(Array(#"{"alg":"RSA1_5","enc":"A128CBC-HS256"}"#.utf8)) + ".AA.AA.AA.AA"
        let refused = try sandbox.run(["token", "decrypt", "--key", "key.jwk", rsa15])
        #expect(refused.status == 1)
        #expect(refused.stderr == "invalid_token: The key management algorithm RSA1_5 is not accepted\n")
        #expect(try sandbox.run(["token", "decrypt", "--key", "missing.jwk", token]).stderr.hasPrefix("invalid_key: missing.jwk"))
    }

    @Test func usageErrorsExitWithTwo() throws {
        let sandbox = try CLISandbox()
        try sandbox.write("key.jwk", Self.json(try JWEKey.generate(.a256KW).privateJWK))
        for arguments in [
            ["token", "encrypt", "--key", "-", "-"],
            ["token", "decrypt", "--key", "-", "-"],
            ["token", "encrypt", "--key", "key.jwk", "not json"],
            ["token", "encrypt", "--key", "key.jwk", "--alg", "RSA1_5", "{}"],
            ["token", "encrypt", "--key", "key.jwk", "--enc", "A192GCM", "{}"],
            ["token", "decrypt", "key.jwk"],
            ["token", "verify", "--key", "-", "--decrypt-key", "-", "a.b.c.d.e"],
        ] {
            let result = try sandbox.run(arguments, input: "")
            #expect(result.status == 2, "\(arguments)")
        }
    }
}
