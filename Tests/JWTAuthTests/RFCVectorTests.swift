import JWTAuth
import Testing

/// The examples of RFC 7515, RFC 7520, RFC 7638 and RFC 8037, from `Vectors/rfc/`.
@Suite struct RFCVectorTests {
    /// The `exp` of RFC 7515 A.1–A.3's claims: 2011-03-22T18:43:00Z.
    static let rfc7515Expiry: Double = 1_300_819_380

    /// The segments of a compact JWS.
    static func segments(_ jws: String) throws -> (header: String, payload: String, signature: String) {
        let parts = jws.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(parts.count == 3)
        return (parts[0], parts[1], parts[2])
    }

    @Test(arguments: ["A.1", "A.2", "A.3", "A.4"])
    func rfc7515(name: String) throws {
        let vector = try #require(try TestVectors.vectors("rfc/rfc7515.json")[name])
        let algorithm = try #require(SigningAlgorithm(name: try vector.string("alg")))
        let key = try JWTKey(jwk: vector.object("jwk"), algorithm: algorithm)
        let jws = try vector.string("jws")
        let (header, payload, signature) = try Self.segments(jws)
        // The segments are the base64url of the RFC's exact octets, CRLFs and spaces included.
        #expect(header == Base64URL.encode(Array(try vector.string("protectedHeader").utf8)))
        #expect(payload == Base64URL.encode(Array(try vector.string("payload").utf8)))

        // A relying party holds the public key only (the secret for HS256).
        let verificationKey = key.publicKey ?? key
        #expect(verificationKey.canSign == (algorithm.family == .hmac))
        let decoder = JWTDecoder(keys: try JWTKeySet([verificationKey]))
        #expect(try decoder.verifyPayload(UnverifiedToken(jws)) == Array(try vector.string("payload").utf8))
        let tampered = "\(header).\(Base64URL.encode(Array((try vector.string("payload") + " ").utf8))).\(signature)"
        let error = #expect(throws: JWTAuthError.self) { try decoder.verifyPayload(UnverifiedToken(tampered)) }
        #expect(error?.message == "Signature verification failed")

        if vector["deterministic"] == true {
            // HS256 and RS256 (PKCS #1 v1.5) are deterministic: our signature must be the RFC's, byte for byte.
            #expect(try Base64URL.encode(key.sign(Array("\(header).\(payload)".utf8))) == signature)
        }
    }

    @Test(arguments: ["A.1", "A.2", "A.3"])
    func rfc7515ClaimsAreCheckedAtTheirTime(name: String) throws {
        let vector = try #require(try TestVectors.vectors("rfc/rfc7515.json")[name])
        let algorithm = try #require(SigningAlgorithm(name: try vector.string("alg")))
        let key = try JWTKey(jwk: vector.object("jwk"), algorithm: algorithm)
        // The default ClaimsValidation requires no claim: these tokens have no sub, jti or typ.
        let decoder = JWTDecoder(keys: try JWTKeySet([key.publicKey ?? key]))
        let jws = try vector.string("jws")

        let verified = try decoder.decode(jws, now: Self.rfc7515Expiry - 1)
        #expect(verified.claims.issuer == "joe")
        #expect(verified.claims.expiresAt == Self.rfc7515Expiry)
        #expect(verified.claims["http://example.com/is_root"] == true)
        #expect(verified.algorithm == algorithm.name)
        #expect(throws: JWTAuthError.tokenExpired) { try decoder.decode(jws, now: Self.rfc7515Expiry) }
    }

    @Test(arguments: ["4.1", "4.2", "4.3", "4.4"])
    func rfc7520(name: String) throws {
        let document = try TestVectors.load("rfc/rfc7520.json")
        let vector = try #require(try TestVectors.vectors("rfc/rfc7520.json")[name])
        let text = try document.string("payload")
        let payloadSegment = try document.string("payloadB64u")
        #expect(Base64URL.encode(Array(text.utf8)) == payloadSegment)

        let algorithm = try #require(SigningAlgorithm(name: try vector.string("alg")))
        let jwk = try vector.object("jwk")
        let key = try JWTKey(jwk: jwk, algorithm: algorithm)
        #expect(key.keyID == jwk["kid"]?.stringValue)
        let jws = try vector.string("jws")
        let (header, payload, signature) = try Self.segments(jws)
        #expect(header == (try vector.string("protectedB64u")))
        #expect(payload == payloadSegment)
        #expect("\(header).\(payload)" == (try vector.string("signingInput")))
        #expect(signature == (try vector.string("signature")))

        // The same example as published in the JOSE Cookbook, which RFC 7520 was made from.
        let cookbookFiles = [
            "4.1": "4_1.rsa_v15_signature", "4.2": "4_2.rsa-pss_signature", "4.3": "4_3.ecdsa_signature",
            "4.4": "4_4.hmac-sha2_integrity_protection",
        ]
        let cookbook = try TestVectors.load("rfc/jose-cookbook/\(try #require(cookbookFiles[name])).json")
        #expect(cookbook["output"]?["compact"] == .string(jws))
        #expect(cookbook["input"]?["key"] == .object(jwk))
        #expect(cookbook["input"]?["payload"] == .string(text))

        let token = try UnverifiedToken(jws)
        #expect(token.header.algorithm == algorithm.name)
        #expect(token.header.keyID == key.keyID)
        let decoder = JWTDecoder(keys: try JWTKeySet([key.publicKey ?? key]))
        #expect(try decoder.verifyPayload(token) == Array(text.utf8))

        if vector["deterministic"] == true {
            // RS256 and HS256 are deterministic: signing the same input gives the same signature.
            #expect(try Base64URL.encode(key.sign(Array("\(header).\(payload)".utf8))) == signature)
        }
    }

    @Test func rfc7638Thumbprint() throws {
        let vector = try #require(try TestVectors.vectors("rfc/rfc7638.json")["3.1"])
        let expected = try vector.string("thumbprint")
        var jwk = try vector.object("jwk")
        let key = try JWTKey(jwk: jwk)
        #expect(key.keyID == "2011-04-29")
        #expect(key.thumbprint == expected)
        // Only the required members count: alg and kid change nothing.
        jwk["alg"] = nil
        jwk["kid"] = nil
        #expect(try JWTKey(jwk: jwk, algorithm: .ps256).thumbprint == expected)
    }

    @Test func rfc8037Ed25519() throws {
        let vectors = try TestVectors.vectors("rfc/rfc8037.json")
        let privateJWK = try #require(vectors["A.1"]).object("jwk")
        let publicJWK = try #require(vectors["A.2"]).object("jwk")

        // A.1: the private key.
        let privateKey = try JWTKey(jwk: privateJWK)
        #expect(privateKey.algorithm == .eddsa)
        #expect(privateKey.keyType == "OKP")
        #expect(privateKey.canSign)
        #expect(privateKey.privateJWK["d"] == privateJWK["d"])

        // A.2: its public key, as imported and as exported.
        let publicKey = try JWTKey(jwk: publicJWK)
        #expect(!publicKey.canSign)
        let exported = try #require(privateKey.publicJWK)
        #expect(exported.filter { ["kty", "crv", "x"].contains($0.key) } == publicJWK)
        #expect(exported["d"] == nil)
        #expect(exported["alg"] == "EdDSA")
        #expect(publicKey.publicJWK == exported)

        // A.3: the thumbprint; the RFC's SHA-256 in hex is the same digest.
        let thumbprint = try #require(vectors["A.3"])
        #expect(privateKey.thumbprint == (try thumbprint.string("thumbprint")))
        #expect(publicKey.thumbprint == (try thumbprint.string("thumbprint")))
        #expect(Base64URL.encode(Self.bytes(hex: try thumbprint.string("sha256Hex"))) == (try thumbprint.string("thumbprint")))

        // A.4: Ed25519 is deterministic, so our signature is the RFC's; A.5: it verifies with the public key.
        let signing = try #require(vectors["A.4"])
        let jws = try signing.string("jws")
        let (header, payload, signature) = try Self.segments(jws)
        #expect(header == Base64URL.encode(Array(try signing.string("protectedHeader").utf8)))
        #expect(payload == Base64URL.encode(Array(try signing.string("payload").utf8)))
        #expect(try Base64URL.encode(privateKey.sign(Array("\(header).\(payload)".utf8))) == signature)
        let decoder = JWTDecoder(keys: try JWTKeySet([publicKey]))
        #expect(try decoder.verifyPayload(UnverifiedToken(jws)) == Array(try signing.string("payload").utf8))
    }

    static func bytes(hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            result.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        return result
    }
}
