import JWTAuth
import Testing

/// Tokens and keys cross between JWTAuth and PyJWT (with `cryptography`) in both directions, for every algorithm.
///
/// Each test makes one call to `Interop/pyjwt_interop.py` for all algorithms.
@Suite struct PyJWTInteropTests {
    static let issuer = "https://auth.example.test"
    static let audience = "interop"

    /// One signing key per algorithm, asymmetric keys named by their thumbprint as JWTAuth's generated keys are.
    static let keys: [JWTKey] = SigningAlgorithm.all.map { algorithm in
        let key = try! JWTKey.generate(algorithm)
        return key.withKeyID(algorithm.isAsymmetric ? key.thumbprint : "secret-\(algorithm.name)")
    }

    /// Claims beyond the registered ones, with the JSON types a claims set can hold.
    static let extraClaims: [String: JSONValue] = [
        "roles": ["admin", "user"],
        "name": "Zo\u{EB} \u{1F511} \"quoted\" \\ /",
        "profile": ["level": 3, "ratio": 2.5, "active": true, "manager": nil, "tags": [], "empty": [:]],
    ]

    static var now: Int64 { Int64(JWTClock.system.now) }

    static func issue(with key: JWTKey) throws -> IssuedToken {
        let configuration = TokenConfiguration(issuer: issuer, audience: audience)
        return try TokenIssuer(key: key, configuration: configuration).accessToken(for: "42", fresh: .fresh, claims: extraClaims)
    }

    @Test func tokensWeSignVerifyInPyJWT() async throws {
        var cases: [JSONValue] = []
        var issued: [String: IssuedToken] = [:]
        for key in Self.keys {
            let token = try Self.issue(with: key)
            issued[key.algorithm.name] = token
            var members: [String: JSONValue] = [
                "alg": .string(key.algorithm.name), "token": .string(token.token),
                "issuer": .string(Self.issuer), "audience": .string(Self.audience),
            ]
            if let publicKey = key.publicKey {
                members["pem"] = try .string(#require(publicKey.pemRepresentation))
                members["jwk"] = try .object(#require(publicKey.publicJWK))
            } else {
                members["secret"] = try .string(Base64URL.encode(#require(key.secretBytes)))
                members["jwk"] = .object(key.privateJWK)
            }
            cases.append(.object(members))
        }

        let answer = try await PyJWT.run(["command": "verify", "cases": .array(cases)])
        let results = try #require(answer["results"]?.arrayValue)
        #expect(results.count == 2 * SigningAlgorithm.all.count)
        var checked: Set<String> = []
        for result in results {
            let name = try #require(result["alg"]?.stringValue)
            let via = try #require(result["via"]?.stringValue)
            let token = try #require(issued[name])
            checked.insert("\(name) \(via)")
            guard result["ok"] == true else {
                Issue.record("PyJWT refused our \(name) token with its key as \(via): \(result["error"]?.stringValue ?? "")")
                continue
            }
            #expect(result["claims"] == .object(token.claims.members), "\(name) via \(via)")
            #expect(result["header"]?["alg"] == .string(name))
            #expect(result["header"]?["typ"] == "JWT")
            let key = try #require(Self.keys.first { $0.algorithm.name == name })
            #expect(result["header"]?["kid"] == key.keyID.map(JSONValue.string))
        }
        let expected = SigningAlgorithm.all.flatMap { algorithm in
            algorithm.isAsymmetric ? ["\(algorithm) pem", "\(algorithm) jwk"] : ["\(algorithm) secret", "\(algorithm) jwk"]
        }
        #expect(checked == Set(expected))
    }

    @Test func pyJWTTokensVerifyHere() async throws {
        let now = Self.now
        var claims = Self.extraClaims
        claims.merge(
            [
                "sub": "7", "iat": .int(now - 60), "nbf": .int(now - 60), "exp": .int(now + 3600), "jti": "0b5a3c1e-interop",
                "iss": .string(Self.issuer), "aud": .string(Self.audience), "type": "access",
            ]
        ) { _, new in new }
        let algorithms = SigningAlgorithm.all.map { JSONValue.string($0.name) }
        let answer = try await PyJWT.run(["command": "sign", "algorithms": .array(algorithms), "claims": .object(claims)])
        let results = try #require(answer["results"]?.arrayValue)
        #expect(results.map { $0["alg"] } == algorithms)

        let validation = ClaimsValidation(issuer: Self.issuer, audience: Self.audience, requiredClaims: ["exp", "sub", "jti", "type"])
        for result in results {
            let name = try #require(result["alg"]?.stringValue)
            let algorithm = try #require(SigningAlgorithm(name: name))
            let token = try #require(result["token"]?.stringValue)
            let keyID = try #require(result["kid"]?.stringValue)
            var keys = [try JWTKey(jwk: #require(result["jwk"]?.objectValue), algorithm: algorithm).withKeyID(keyID)]
            if let pem = result["pem"]?.stringValue {
                keys.append(try JWTKey(pem: pem, algorithm: algorithm, keyID: keyID))
            } else {
                let secret = try #require(result["secret"]?.stringValue.flatMap { Base64URL.decode($0) })
                keys.append(try JWTKey.hmac(secret, algorithm: algorithm, keyID: keyID))
            }
            for key in keys {
                #expect(key.canSign == !algorithm.isAsymmetric, "PyJWT gave only the public key for \(name)")
                let decoder = JWTDecoder(keys: try JWTKeySet([key]), allowedAlgorithms: [algorithm], validation: validation)
                let verified = try decoder.decode(token, now: Double(Self.now))
                #expect(verified.claims.members == claims, "\(name)")
                #expect(verified.header.type == "JWT")
                #expect(verified.header.keyID == keyID)

                // The same signature over other claims must fail: the check above is not vacuous.
                let parts = token.split(separator: ".")
                var forged = claims
                forged["sub"] = "8"
                let payload = Base64URL.encode(JSONWriter.encode(.object(forged)))
                let error = #expect(throws: JWTAuthError.self) {
                    try decoder.decode("\(parts[0]).\(payload).\(parts[2])", now: Double(Self.now))
                }
                #expect(error?.message == "Signature verification failed", "\(name)")
            }
        }
    }

    @Test func ourJWKSLoadsInPyJWT() async throws {
        var keySet = try JWTKeySet(Self.keys)
        // A second key per family under its own kid, so that PyJWT must select by kid.
        try keySet.insert(JWTKey.generate(.es256, keyID: "second-es256"))
        let jwks = keySet.publicJWKS
        let entries = try #require(jwks["keys"]?.arrayValue)
        let asymmetric = keySet.keys.filter(\.algorithm.isAsymmetric)
        #expect(entries.count == asymmetric.count, "HMAC keys are never published")
        let publicMembers: Set<String> = ["kty", "kid", "alg", "use", "n", "e", "crv", "x", "y"]
        for entry in entries {
            let names = Set(try #require(entry.objectValue).keys)
            #expect(names.isSubset(of: publicMembers), "a published JWK has private members: \(names.subtracting(publicMembers))")
        }

        var tokens: [String: IssuedToken] = [:]
        for key in asymmetric {
            tokens[try #require(key.keyID)] = try Self.issue(with: key)
        }
        let answer = try await PyJWT.run([
            "command": "jwks", "jwks": jwks, "issuer": .string(Self.issuer), "audience": .string(Self.audience),
            "tokens": .array(asymmetric.compactMap { $0.keyID.flatMap { tokens[$0] }.map { .string($0.token) } }),
        ])

        let keyIDs = asymmetric.compactMap(\.keyID)
        #expect(answer["kids"] == .array(keyIDs.map(JSONValue.string)))
        for key in asymmetric {
            let keyID = try #require(key.keyID)
            #expect(answer["algorithms"]?[keyID] == .string(key.algorithm.name))
            #expect(answer["thumbprints"]?[keyID] == .string(key.thumbprint), "RFC 7638 thumbprint of the \(key.algorithm) key")
        }
        let results = try #require(answer["results"]?.arrayValue)
        #expect(results.count == asymmetric.count)
        for result in results {
            let keyID = try #require(result["kid"]?.stringValue)
            let token = try #require(tokens[keyID])
            guard result["ok"] == true else {
                Issue.record("PyJWKSet did not verify the token of \(keyID): \(result["error"]?.stringValue ?? "")")
                continue
            }
            #expect(result["claims"] == .object(token.claims.members))
        }
    }
}
