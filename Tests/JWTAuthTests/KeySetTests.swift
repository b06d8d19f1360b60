import JWTAuth
import Testing

@Suite struct KeySetTests {
    static let a = try! JWTKey.generate(.es256, keyID: "a")
    static let b = try! JWTKey.generate(.eddsa, keyID: "b")
    static let unnamed = try! JWTKey.generate(.es384)

    static func header(kid: String?) -> JWSHeader {
        var members: [String: JSONValue] = ["alg": "ES256"]
        if let kid { members["kid"] = .string(kid) }
        return JWSHeader(members: members)
    }

    @Test func kidSelectsItsKey() throws {
        let set = try JWTKeySet([Self.a, Self.b, Self.unnamed])
        #expect(try set.key(for: Self.header(kid: "a")).thumbprint == Self.a.thumbprint)
        #expect(try set.key(for: Self.header(kid: "b")).thumbprint == Self.b.thumbprint)
        #expect(set[keyID: "b"]?.algorithm == .eddsa)
        #expect(set[keyID: "c"] == nil)
        #expect(set.algorithms == [.es256, .eddsa, .es384])
        // Without a kid, the one key without a kid is the default.
        #expect(try set.key(for: Self.header(kid: nil)).thumbprint == Self.unnamed.thumbprint)
    }

    @Test(arguments: ["c", "A", "a ", "", "../a", "a\u{0}"])
    func unknownKidNeverFallsBackToAnotherKey(kid: String) throws {
        for keys in [[Self.a], [Self.a, Self.unnamed], [Self.unnamed]] {
            let set = try JWTKeySet(keys)
            let error = #expect(throws: JWTAuthError.self) { try set.key(for: Self.header(kid: kid)) }
            #expect(error?.code == .invalidToken && error?.message == "Unknown key id")
        }
    }

    @Test func missingKidNeedsExactlyOneDefault() throws {
        #expect(try JWTKeySet([Self.a]).key(for: Self.header(kid: nil)).keyID == "a")
        for keys in [[Self.a, Self.b], [Self.unnamed, Self.unnamed.withKeyID(nil), Self.a], [JWTKey]()] {
            let set = try JWTKeySet(keys)
            let error = #expect(throws: JWTAuthError.self) { try set.key(for: Self.header(kid: nil)) }
            #expect(error?.code == .invalidToken)
        }
    }

    @Test func duplicateKidIsRefused() throws {
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKeySet([Self.a, Self.b.withKeyID("a")]) }
        var set = try JWTKeySet([Self.a])
        #expect(throws: JWTAuthError.invalidKey("")) { try set.insert(Self.b.withKeyID("a")) }
        #expect(set.keys.count == 1)
        let jwks = JSONValue.object(["keys": [.object(Self.a.publicJWK!), .object(Self.b.withKeyID("a").publicJWK!)]])
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKeySet(jwks: jwks.description) }
    }

    @Test func removeKeepsTheOtherKeysSelectable() throws {
        var set = try JWTKeySet([Self.a, Self.b, Self.unnamed])
        let removed = set.remove(keyID: "a")
        let removedAgain = set.remove(keyID: "a")
        #expect(removed && !removedAgain)
        #expect(set[keyID: "a"] == nil && set.keys.count == 2)
        #expect(try set.key(for: Self.header(kid: "b")).thumbprint == Self.b.thumbprint)
        #expect(throws: JWTAuthError.self) { try set.key(for: Self.header(kid: "a")) }
        try set.insert(Self.a.withKeyID("c"))
        #expect(try set.key(for: Self.header(kid: "c")).thumbprint == Self.a.thumbprint)
    }

    @Test func jwksSkipsKeysItCannotUse() throws {
        let text = JSONValue.object([
            "keys": [
                .object(Self.a.publicJWK!),
                ["kty": "OKP", "crv": "X25519", "x": "hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo", "kid": "x25519"],
                ["kty": "RSA-OTHER", "kid": "unknown"],
                ["kty": "EC", "crv": "P-256K", "x": "AA", "y": "AA", "kid": "k1"],
                .object(Self.b.publicJWK!.merging(["use": "enc", "kid": "enc"]) { _, new in new }),
                ["kty": "oct", "k": "c2hvcnQ", "kid": "weak"],
            ]
        ]).description
        let set = try JWTKeySet(jwks: text)
        #expect(set.keys.compactMap(\.keyID) == ["a"])
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKeySet(jwks: #"{"keys":[{"kty":"unknown"}]}"#) }
        for bad in [#"{"keys":{}}"#, #"{"keys":[1]}"#, #"{}"#, "[]", "", #"{"keys":[]}"#] {
            #expect(throws: JWTAuthError.invalidKey(""), "\(bad)") { try JWTKeySet(jwks: bad) }
        }
    }

    @Test func publicJWKSHoldsNoSecretAndNoPrivateMember() throws {
        let set = try JWTKeySet([
            JWTKey.generate(.hs256, keyID: "hmac"), JWTKey(pem: Fixtures.text("rsa-2048.pkcs8.pem"), keyID: "rsa"), Self.a, Self.b,
            JWTKey.generate(.es512, keyID: "p521"),
        ])
        let jwks = set.publicJWKS
        let keys = try #require(jwks["keys"]?.arrayValue)
        #expect(keys.compactMap { $0["kid"]?.stringValue }.sorted() == ["a", "b", "p521", "rsa"])
        for key in keys {
            let members = try #require(key.objectValue)
            for name in ["d", "p", "q", "dp", "dq", "qi", "k", "oth"] { #expect(members[name] == nil, "\(name)") }
            #expect(members["kty"] != "oct" && members["use"] == "sig" && members["alg"] != nil)
        }
        // What is published imports as verification keys only, and selects the same keys.
        let imported = try JWTKeySet(jwks: jwks.description)
        #expect(imported.keys.count == 4 && imported.keys.allSatisfy { !$0.canSign })
        #expect(try imported.key(for: Self.header(kid: "a")).thumbprint == Self.a.thumbprint)
    }
}
