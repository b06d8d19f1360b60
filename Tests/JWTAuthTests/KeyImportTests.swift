import JWTAuth
import Testing

/// PEM and JWK import and export, against keys made by openssl (`Fixtures/generate.sh`) and JWKs and thumbprints
/// computed from openssl's own printout of those keys.
@Suite struct KeyImportTests {
    /// A fixture key: its PEM files and the algorithm it implies.
    struct Fixture: Sendable, CustomTestStringConvertible {
        let name: String
        let privatePEMs: [String]
        let publicPEMs: [String]
        let algorithm: SigningAlgorithm
        var testDescription: String { name }
    }

    static let fixtures = [
        Fixture(
            name: "rsa-2048",
            privatePEMs: ["rsa-2048.pkcs8.pem", "rsa-2048.pkcs1.pem"],
            publicPEMs: ["rsa-2048.spki.pem", "rsa-2048.pkcs1-public.pem"],
            algorithm: .rs256
        ),
        Fixture(name: "p256", privatePEMs: ["p256.pkcs8.pem", "p256.sec1.pem"], publicPEMs: ["p256.spki.pem"], algorithm: .es256),
        Fixture(name: "p384", privatePEMs: ["p384.pkcs8.pem", "p384.sec1.pem"], publicPEMs: ["p384.spki.pem"], algorithm: .es384),
        Fixture(name: "p521", privatePEMs: ["p521.pkcs8.pem", "p521.sec1.pem"], publicPEMs: ["p521.spki.pem"], algorithm: .es512),
        Fixture(name: "ed25519", privatePEMs: ["ed25519.pkcs8.pem"], publicPEMs: ["ed25519.spki.pem"], algorithm: .eddsa),
    ]

    static let message = Array("eyJhbGciOiJub25lIn0.eyJzdWIiOiI0MiJ9".utf8)

    @Test("Every PEM form imports to the key openssl describes", arguments: fixtures)
    func pemFormsImportToTheSameKey(fixture: Fixture) throws {
        let expected = try Fixtures.jwk("\(fixture.name).jwk.json")
        let publicNames = expected.keys.filter { !["d", "p", "q", "dp", "dq", "qi", "kid"].contains($0) }
        for file in fixture.privatePEMs {
            let key = try JWTKey(pem: try Fixtures.text(file))
            #expect(key.algorithm == fixture.algorithm && key.canSign, "\(file)")
            #expect(key.thumbprint == expected["kid"]?.stringValue, "\(file)")
            for (name, value) in key.privateJWK where name != "alg" {
                #expect(expected[name] == value, "\(file): \(name)")
            }
            #expect(Set(key.privateJWK.keys) == Set(expected.keys).subtracting(["kid"]).union(["alg"]))
            // A signature by the private key verifies with every public form, and the PEM export re-imports.
            let signature = try key.sign(Self.message)
            for publicFile in fixture.publicPEMs {
                let publicKey = try JWTKey(pem: try Fixtures.text(publicFile))
                #expect(!publicKey.canSign && publicKey.thumbprint == key.thumbprint, "\(publicFile)")
                #expect(publicKey.verify(signature, for: Self.message), "\(publicFile)")
                #expect(!publicKey.verify(signature, for: Self.message + [0]))
                #expect(Set(try #require(publicKey.publicJWK).keys) == Set(publicNames + ["alg", "use"]))
            }
            let reimported = try JWTKey(pem: try #require(key.pemRepresentation), algorithm: fixture.algorithm)
            #expect(reimported.thumbprint == key.thumbprint)
            #expect(try #require(key.publicKey).pemRepresentation?.hasPrefix("-----BEGIN PUBLIC KEY-----") == true)
        }
    }

    @Test("Every JWK type round-trips through its private and public JWK", arguments: fixtures)
    func jwkRoundTrip(fixture: Fixture) throws {
        var members = try Fixtures.jwk("\(fixture.name).jwk.json")
        let kid = try #require(members.removeValue(forKey: "kid")?.stringValue)
        let key = try JWTKey(jwk: members)
        #expect(key.algorithm == fixture.algorithm && key.keyID == nil && key.thumbprint == kid)
        let again = try JWTKey(jwk: key.privateJWK)
        #expect(again.canSign && again.privateJWK == key.privateJWK)
        let publicJWK = try #require(key.publicJWK)
        #expect(publicJWK["use"] == "sig" && publicJWK["alg"] == .string(fixture.algorithm.name))
        for name in ["d", "p", "q", "dp", "dq", "qi", "k"] { #expect(publicJWK[name] == nil) }
        let publicKey = try JWTKey(jwk: publicJWK)
        #expect(!publicKey.canSign && publicKey.thumbprint == kid)
        #expect(publicKey.verify(try again.sign(Self.message), for: Self.message))
        let named = try JWTKey(jwk: members.merging(["kid": "main"]) { _, new in new })
        #expect(named.keyID == "main" && named.publicJWK?["kid"] == "main" && named.thumbprint == kid)
    }

    @Test func rsaPrivateJWKCarriesEveryCRTMemberAndReimports() throws {
        let key = try JWTKey(pem: try Fixtures.text("rsa-2048.pkcs1.pem"), algorithm: .ps256)
        let expected = try Fixtures.jwk("rsa-2048.jwk.json")
        let jwk = key.privateJWK
        for name in ["n", "e", "d", "p", "q", "dp", "dq", "qi"] {
            #expect(jwk[name] != nil && jwk[name] == expected[name], "\(name)")
            let bytes = try #require(jwk[name]?.stringValue.flatMap { Base64URL.decode($0) })
            #expect(bytes.first != 0, "\(name) has a leading zero")
        }
        #expect(jwk["e"] == "AQAB" && jwk["alg"] == "PS256")
        let reimported = try JWTKey(jwk: jwk)
        #expect(reimported.algorithm == .ps256 && reimported.canSign)
        #expect(key.verify(try reimported.sign(Self.message), for: Self.message))
        var incomplete = jwk
        incomplete["qi"] = nil
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: incomplete) }
    }

    @Test func thumbprintMatchesRFC7638() throws {
        let n =
            "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"
        let key = try JWTKey(jwk: ["kty": "RSA", "n": .string(n), "e": "AQAB", "alg": "RS256", "kid": "2011-04-29"])
        #expect(key.thumbprint == "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        // Stable: the kid, alg and use do not enter it, and neither does the algorithm the key is used with.
        #expect(try JWTKey(jwk: ["kty": "RSA", "n": .string(n), "e": "AQAB"], algorithm: .ps512).thumbprint == key.thumbprint)
        #expect(key.withKeyID("other").thumbprint == key.thumbprint)
    }

    // MARK: refused

    @Test(arguments: ["rsa-1024.pkcs8.pem", "rsa-1024.spki.pem"])
    func rsaUnder2048BitsIsRefused(file: String) throws {
        let error = #expect(throws: JWTAuthError.self) { try JWTKey(pem: try! Fixtures.text(file)) }
        #expect(error?.code == .invalidKey)
    }

    @Test func rsa1024JWKIsRefused() throws {
        // A 1024-bit modulus: the top half of the 2048-bit fixture's.
        let n = try #require(Fixtures.jwk("rsa-2048.jwk.json")["n"]?.stringValue.flatMap { Base64URL.decode($0) })
        let short = Base64URL.encode(n.prefix(128))
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: ["kty": "RSA", "n": .string(short), "e": "AQAB"]) }
    }

    @Test func hmacSecretsFromFixtures() throws {
        let strong = try Fixtures.bytes("hmac-64.bin")
        let weak = try Fixtures.bytes("hmac-16.bin")
        #expect(strong.count == 64 && weak.count == 16)
        let key = try JWTKey.hmac(strong, algorithm: .hs512, keyID: "s")
        #expect(key.secretBytes == strong && key.publicJWK == nil && key.pemRepresentation == nil)
        #expect(key.privateJWK["k"] == .string(Base64URL.encode(strong)) && key.privateJWK["kty"] == "oct")
        #expect(try JWTKey(jwk: key.privateJWK).secretBytes == strong)
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac(weak) }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: ["kty": "oct", "k": .string(Base64URL.encode(weak))]) }
        #expect(try JWTKey.hmac(weak, allowWeakSecret: true).secretBytes == weak)
        #expect(try JWTKey(jwk: ["kty": "oct", "k": .string(Base64URL.encode(weak))], allowWeakSecret: true).secretBytes == weak)
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac(strong.prefix(31)) }
        #expect(try JWTKey.hmac(strong.prefix(32)).algorithm == .hs256)
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac([UInt8](), allowWeakSecret: true) }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac(strong, algorithm: .rs256) }
        let base64 = "base64:" + "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWY="
        #expect(try JWTKey.hmac(secret: base64).secretBytes == Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef".utf8))
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac(secret: "base64:%%%") }
    }

    @Test(arguments: [
        "", "garbage", "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----",
        "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----", "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIIB\n-----END ENCRYPTED PRIVATE KEY-----",
    ])
    func malformedPEMIsRefused(pem: String) {
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(pem: pem) }
    }

    /// RFC 7468 §5.2: text before the encapsulation boundary (as `openssl pkey -text` and the service's
    /// `alg:` line write) is ignored; the key is the same. Text alone, or a broken block after it, is not a key.
    @Test func textBeforeThePEMBlockIsIgnored() throws {
        let pem = try Fixtures.text("p256.pkcs8.pem")
        let plain = try JWTKey(pem: pem)
        for prefix in ["alg: ES256\n", "Private-Key: (256 bit)\npriv: 00:01\n", "\u{FEFF}comment\r\n"] {
            #expect(try JWTKey(pem: prefix + pem).thumbprint == plain.thumbprint, "\(prefix.debugDescription)")
        }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(pem: "alg: ES256\n") }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(pem: "alg: ES256\n" + pem.dropLast(40)) }
    }

    @Test func keyAndAlgorithmMustAgree() throws {
        let ec = try Fixtures.text("p256.pkcs8.pem")
        for algorithm in [SigningAlgorithm.es384, .rs256, .hs256, .eddsa] {
            #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(pem: ec, algorithm: algorithm) }
        }
        let rsa = try Fixtures.text("rsa-2048.spki.pem")
        for algorithm in [SigningAlgorithm.rs256, .rs384, .rs512, .ps256, .ps384, .ps512] {
            #expect(try JWTKey(pem: rsa, algorithm: algorithm).algorithm == algorithm)
        }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(pem: rsa, algorithm: .es256) }
        let jwk = try Fixtures.jwk("p384.jwk.json")
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: jwk, algorithm: .es256) }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: jwk.merging(["alg": "ES512"]) { _, new in new }) }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: jwk.merging(["alg": "none"]) { _, new in new }) }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: jwk.merging(["use": "enc"]) { _, new in new }) }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: jwk.merging(["key_ops": ["encrypt"]]) { _, new in new }) }
        #expect(try JWTKey(jwk: jwk.merging(["key_ops": ["verify"]]) { _, new in new }).algorithm == .es384)
    }

    @Test func jwkMembersAreReadStrictly() throws {
        let good = try Fixtures.jwk("p256.jwk.json")
        func variant(_ changes: [String: JSONValue?]) -> [String: JSONValue] {
            var members = good
            for (name, value) in changes { members[name] = value }
            return members
        }
        let x = good["x"]!.stringValue!
        let d = good["d"]!.stringValue!
        let bad: [[String: JSONValue]] = [
            variant(["kty": nil]), variant(["kty": "ec"]), variant(["kty": 1]), variant(["crv": "P-257"]), variant(["crv": "secp256k1"]),
            variant(["x": nil]), variant(["x": .string(x + "A")]), variant(["x": .string(String(x.dropLast()))]),
            variant(["x": .string(x.replacing("-", with: "+"))]), variant(["x": .string(x + "=")]),
            variant(["y": good["x"]]), variant(["d": .string(String(d.reversed()))]), variant(["d": 1]),
            variant(["x": .string(Base64URL.encode([UInt8](repeating: 0, count: 32))), "d": nil]),
        ].filter { $0 != good }
        for members in bad {
            #expect(throws: JWTAuthError.invalidKey(""), "\(members.keys.sorted())") { try JWTKey(jwk: members) }
        }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: "not json") }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: "[]") }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: #"{"kty":"OKP","crv":"X25519","x":"AAAA"}"#) }
        let rsa = try Fixtures.jwk("rsa-2048.jwk.json")
        let n = rsa["n"]!.stringValue!
        var padded = rsa
        padded["n"] = .string(Base64URL.encode([0] + Base64URL.decode(n)!))
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: padded) }
        var swapped = rsa
        swapped["p"] = rsa["q"]
        swapped["d"] = rsa["dp"]
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: swapped) }
    }
}
