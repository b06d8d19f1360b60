import JWTAuth
import Testing

/// Encrypted tokens cross between JWTAuth and two Python JOSE libraries, jwcrypto and joserfc, in both directions,
/// for every `alg` × `enc` (and every curve of ECDH-ES); each plaintext is a signed JWT, so every token is nested.
///
/// Each test makes one call to `Interop/jwe_interop.py` for all cases.
@Suite struct JWEInteropTests {
    static let libraries = ["jwcrypto", "joserfc"]

    struct Case {
        let id: String
        let library: String
        let key: JWEKey
    }

    /// One key per algorithm and curve (RSA generation is slow: one RSA key serves both RSA algorithms).
    static let cases: [Case] = {
        let rsa = try! JWEKey.generate(.rsaOAEP256)
        var cases: [Case] = []
        for algorithm in KeyManagementAlgorithm.all {
            let curves = algorithm.name.hasPrefix("ECDH") ? ["P-256", "P-384", "P-521", "X25519"] : ["-"]
            for curve in curves {
                var base: JWEKey
                if algorithm.name.hasPrefix("RSA") {
                    var jwk = rsa.privateJWK
                    jwk["alg"] = .string(algorithm.name)
                    base = try! JWEKey(jwk: jwk)
                } else if algorithm == .dir {
                    base = try! JWEKey.generate(.dir)
                } else {
                    base = try! JWEKey.generate(algorithm, curve: curve == "-" ? "P-256" : curve)
                }
                base = base.withKeyID("\(algorithm)-\(curve)")
                for encryption in ContentEncryptionAlgorithm.all {
                    // A dir key is exactly as long as its content key.
                    let key =
                        algorithm == .dir
                        ? try! JWEKey.generate(.dir, encryption: encryption).withKeyID(base.keyID) : try! base.encrypting(with: encryption)
                    for library in libraries {
                        cases.append(Case(id: "\(algorithm) \(encryption) \(curve) \(library)", library: library, key: key))
                    }
                }
            }
        }
        return cases
    }()

    static let signingKey = try! JWTKey.generate(.es256)

    static func nestedPayload() throws -> String {
        try TokenIssuer(key: signingKey).accessToken(for: "42", claims: ["email": "zoe@example.com"]).token
    }

    @Test func tokensWeEncryptDecryptThere() async throws {
        let jws = try Self.nestedPayload()
        var requests: [JSONValue] = []
        for testCase in Self.cases {
            let token = try (testCase.key.publicKey ?? testCase.key).encrypt(Array(jws.utf8), contentType: "JWT")
            requests.append([
                "id": .string(testCase.id), "lib": .string(testCase.library), "jwk": .object(testCase.key.privateJWK),
                "alg": .string(testCase.key.algorithm.name), "enc": .string(testCase.key.encryption.name), "token": .string(token),
            ])
        }
        let answer = try await PyJWT.run(["command": "decrypt", "cases": .array(requests)], script: "jwe_interop.py")
        let results = try #require(answer["results"]?.arrayValue)
        #expect(results.count == Self.cases.count)
        for result in results {
            let id = result["id"]?.stringValue ?? "?"
            guard result["ok"] == true else {
                Issue.record("\(id) refused our token: \(result["error"]?.stringValue ?? "")")
                continue
            }
            #expect(result["plaintext"]?.stringValue.flatMap { Base64URL.decode($0) } == Array(jws.utf8), "\(id)")
            #expect(result["header"]?["cty"] == "JWT", "\(id)")
        }
    }

    @Test func theirTokensDecryptHere() async throws {
        let jws = try Self.nestedPayload()
        var requests: [JSONValue] = []
        for testCase in Self.cases {
            requests.append([
                "id": .string(testCase.id), "lib": .string(testCase.library),
                "jwk": .object(testCase.key.publicJWK ?? testCase.key.privateJWK), "alg": .string(testCase.key.algorithm.name),
                "enc": .string(testCase.key.encryption.name), "cty": "JWT", "plaintext": .string(Base64URL.encode(Array(jws.utf8))),
            ])
        }
        let answer = try await PyJWT.run(["command": "encrypt", "cases": .array(requests)], script: "jwe_interop.py")
        let results = try #require(answer["results"]?.arrayValue)
        #expect(results.count == Self.cases.count)
        let verifier = try TokenVerifier(keys: JWTKeySet([try #require(Self.signingKey.publicKey)]))
        for (testCase, result) in zip(Self.cases, results) {
            guard result["ok"] == true, let token = result["token"]?.stringValue else {
                Issue.record("\(testCase.id) could not encrypt: \(result["error"]?.stringValue ?? "")")
                continue
            }
            do {
                let decrypted = try JWEDecrypter(key: testCase.key).decrypt(token)
                #expect(decrypted.header.isNested, "\(testCase.id)")
                let inner = String(decoding: decrypted.plaintext, as: UTF8.self)
                #expect(inner == jws, "\(testCase.id)")
                #expect(try verifier.decode(inner).claims["email"] == "zoe@example.com")
            } catch {
                Issue.record("\(testCase.id): their token was refused: \(error)")
            }
        }
    }
}
