import Crypto
import JWTAuth
import Testing

/// Tokens built to attack a JWE decrypter: refused algorithms, compression, invalid curves, tampering,
/// truncation, confusion between JWS and JWE. Every refusal is `invalid_token`; every failure of the
/// cryptography itself is the one message "Decryption failed".
@Suite struct JWEHostileTests {
    static let decryptionFailed = "Decryption failed"

    static func segments(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    static func header(_ members: JSONValue) -> String {
        Base64URL.encode(JSONWriter.encode(members))
    }

    static func refusal(_ token: String, _ decrypter: JWEDecrypter) -> JWTAuthError? {
        do {
            _ = try decrypter.decrypt(token)
            return nil
        } catch {
            return error
        }
    }

    @Test(
        .bug("https://datatracker.ietf.org/doc/html/rfc7516#section-11.5"),
        arguments: ["RSA1_5", "PBES2-HS256+A128KW", "PBES2-HS512+A256KW", "A128GCMKW", "A256GCMKW"]
    )
    func refusedAlgorithmsAreRefusedBeforeAnyKeyIsUsed(alg: String) throws {
        // A huge p2c must never be iterated: the header is refused first.
        let header = Self.header(["alg": .string(alg), "enc": "A128CBC-HS256", "p2c": 2_000_000_000, "p2s": "AAAAAAAAAAA"])
        let token = "\(header).AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"
        let error = #expect(throws: JWTAuthError.self) { try EncryptedToken(token) }
        #expect(error?.code == .invalidToken)
        #expect(error?.message == "The key management algorithm \(alg) is not accepted")
    }

    @Test func unknownAlgorithmsAndEncryptionsAreRefused() throws {
        for (alg, enc, message) in [
            ("none", "A256GCM", "The specified alg value is not allowed"),
            ("HS256", "A256GCM", "The specified alg value is not allowed"),
            ("dir", "A192GCM", "The specified enc value is not allowed"),
            ("dir", "XC20P", "The specified enc value is not allowed"),
        ] {
            let token = "\(Self.header(["alg": .string(alg), "enc": .string(enc)])).AA.AA.AA.AA"
            let error = #expect(throws: JWTAuthError.self) { try EncryptedToken(token) }
            #expect(error?.message == message)
        }
    }

    @Test(.bug("https://datatracker.ietf.org/doc/html/rfc8725#section-3.6")) func compressedTokensAreRefused() throws {
        let key = try JWEKey.generate(.a256KW)
        let parts = Self.segments(try key.encrypt([1]))
        let zipped = Self.header(["alg": "A256KW", "enc": "A256GCM", "zip": "DEF"])
        let error = #expect(throws: JWTAuthError.self) {
            try JWEDecrypter(key: key).decrypt(([zipped] + parts.dropFirst()).joined(separator: "."))
        }
        #expect(error?.message == "Compressed tokens (zip) are not accepted")
    }

    @Test func criticalHeadersAreRefused() throws {
        let token = "\(Self.header(["alg": "dir", "enc": "A256GCM", "crit": ["exp"], "exp": 1])).AA.AA.AA.AA"
        let error = #expect(throws: JWTAuthError.self) { try EncryptedToken(token) }
        #expect(error?.message == "Unsupported critical header parameters")
    }

    /// An ECDH-ES token whose `epk` is replaced; the header is the token's own otherwise.
    static func withEPK(_ token: String, _ epk: JSONValue) throws -> String {
        let parts = segments(token)
        var header = try JSONParser().parseObject(try #require(Base64URL.decode(parts[0])))
        header["epk"] = epk
        return ([Self.header(.object(header))] + parts.dropFirst()).joined(separator: ".")
    }

    @Test(.bug("https://datatracker.ietf.org/doc/html/rfc8725#section-3.4"), arguments: ["P-256", "P-384", "P-521"])
    func epkOffTheCurveOrOnAnotherIsRefused(curve: String) throws {
        let key = try JWEKey.generate(.ecdhESA256KW, curve: curve)
        let decrypter = try JWEDecrypter(key: key)
        let token = try key.encrypt([1, 2, 3])
        let headerBytes = try #require(Base64URL.decode(Self.segments(token)[0]))
        let epk = try #require(try JSONParser().parseObject(headerBytes)["epk"]?.objectValue)
        #expect(try decrypter.decrypt(token).plaintext == [1, 2, 3])

        var offCurve = epk
        let yText = try #require(epk["y"]?.stringValue)
        var y = try #require(Base64URL.decode(yText))
        y[y.count - 1] ^= 1
        offCurve["y"] = .string(Base64URL.encode(y))
        var zeros = epk
        zeros["x"] = .string(Base64URL.encode([UInt8](repeating: 0, count: y.count)))
        zeros["y"] = zeros["x"]
        let otherCurve = curve == "P-256" ? "P-384" : "P-256"
        let foreign = try #require(try JWEKey.generate(.ecdhESA256KW, curve: otherCurve).publicJWK)
        var mislabeled = foreign
        mislabeled["crv"] = .string(curve)
        var wrongType = epk
        wrongType["kty"] = "OKP"
        var missingY = epk
        missingY["y"] = nil
        for bad: [String: JSONValue] in [offCurve, zeros, foreign, mislabeled, wrongType, missingY] {
            let error = Self.refusal(try Self.withEPK(token, .object(bad)), decrypter)
            #expect(error?.code == .invalidToken)
            #expect(error?.message == Self.decryptionFailed)
        }
        #expect(Self.refusal(try Self.withEPK(token, "not an object"), decrypter)?.message == Self.decryptionFailed)
    }

    /// Points of order 1, 2, 4 and 8 on Curve25519 (and their non-canonical twins), which force a zero secret.
    static let smallOrderX25519: [[UInt8]] = [
        [UInt8](repeating: 0, count: 32),
        [1] + [UInt8](repeating: 0, count: 31),
        [
            0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a, 0xda, 0x09, 0x8d, 0xeb, 0x9c,
            0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00,
        ],
        [
            0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b, 0x04, 0x44, 0x5c, 0xc4, 0x58,
            0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57,
        ],
        [0xec] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xed] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
        [0xee] + [UInt8](repeating: 0xff, count: 30) + [0x7f],
    ]

    @Test(
        .bug("https://datatracker.ietf.org/doc/html/rfc7748#section-6.1"),
        arguments: [KeyManagementAlgorithm.ecdhES, .ecdhESA128KW, .ecdhESA256KW]
    )
    func smallOrderX25519PointsAreRefused(algorithm: KeyManagementAlgorithm) throws {
        let key = try JWEKey.generate(algorithm, curve: "X25519")
        let decrypter = try JWEDecrypter(key: key)
        let token = try key.encrypt([7])
        for point in Self.smallOrderX25519 {
            let epk: JSONValue = ["kty": "OKP", "crv": "X25519", "x": .string(Base64URL.encode(point))]
            #expect(Self.refusal(try Self.withEPK(token, epk), decrypter)?.message == Self.decryptionFailed)
        }
    }

    static let hostileKeys: [JWEKey] = [
        try! JWEKey.generate(.dir), try! JWEKey.generate(.a128KW, encryption: .a128CBCHS256),
        try! JWEKey.generate(.ecdhES, encryption: .a256CBCHS512), try! JWEKey.generate(.ecdhESA256KW, curve: "X25519"),
        try! JWEKey.generate(.rsaOAEP256),
    ]

    @Test(.bug("https://datatracker.ietf.org/doc/html/rfc7518#section-5.2.2.2"), arguments: hostileKeys)
    func bitFlipsInEverySegmentAreRefused(key: JWEKey) throws {
        let decrypter = try JWEDecrypter(key: key)
        let token = try key.encrypt(Array("{\"sub\":\"42\"}".utf8))
        let parts = Self.segments(token)
        for (index, part) in parts.enumerated() where !part.isEmpty {
            var bytes = try #require(Base64URL.decode(part))
            for position in Set([0, bytes.count / 2, bytes.count - 1]) {
                for bit in [0, 7] {
                    bytes[position] ^= UInt8(1 << bit)
                    var tampered = parts
                    tampered[index] = Base64URL.encode(bytes)
                    bytes[position] ^= UInt8(1 << bit)
                    let error = Self.refusal(tampered.joined(separator: "."), decrypter)
                    #expect(error?.code == .invalidToken, "segment \(index) byte \(position) bit \(bit)")
                    // Past the header, every failure reads the same.
                    if index > 0 { #expect(error?.message == Self.decryptionFailed, "segment \(index)") }
                }
            }
        }
    }

    @Test(arguments: hostileKeys)
    func truncatedExtendedAndSwappedPartsAreRefused(key: JWEKey) throws {
        let decrypter = try JWEDecrypter(key: key)
        let parts = Self.segments(try key.encrypt(Array("{\"sub\":\"42\"}".utf8)))
        var variants: [[String]] = []
        let tag = try #require(Base64URL.decode(parts[4]))
        variants.append(Array(parts[0..<4]) + [Base64URL.encode(tag.dropLast())])
        variants.append(Array(parts[0..<4]) + [Base64URL.encode(tag.prefix(1))])
        variants.append(Array(parts[0..<4]) + [Base64URL.encode(tag + [0])])
        variants.append(Array(parts[0..<4]) + [Base64URL.encode(tag + tag)])
        variants.append([parts[0], parts[1], parts[3], parts[2], parts[4]])
        let iv = try #require(Base64URL.decode(parts[2]))
        variants.append([parts[0], parts[1], Base64URL.encode(iv.dropLast()), parts[3], parts[4]])
        variants.append([parts[0], parts[1], Base64URL.encode(iv + [0]), parts[3], parts[4]])
        let ciphertext = try #require(Base64URL.decode(parts[3]))
        variants.append([parts[0], parts[1], parts[2], Base64URL.encode(ciphertext.dropLast()), parts[4]])
        variants.append([parts[0], parts[1], parts[2], Base64URL.encode(ciphertext + [0]), parts[4]])
        if !parts[1].isEmpty {
            let wrapped = try #require(Base64URL.decode(parts[1]))
            variants.append([parts[0], Base64URL.encode(wrapped.dropLast()), parts[2], parts[3], parts[4]])
            variants.append([parts[0], Base64URL.encode(wrapped + [0]), parts[2], parts[3], parts[4]])
        } else {
            // dir and ECDH-ES: a key where none belongs.
            variants.append([parts[0], "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", parts[2], parts[3], parts[4]])
        }
        for variant in variants {
            #expect(Self.refusal(variant.joined(separator: "."), decrypter)?.message == Self.decryptionFailed)
        }
    }

    @Test(arguments: [0, 1, 2, 3, 4])
    func emptySegmentsAreRefused(index: Int) throws {
        let key = try JWEKey.generate(.a256KW)
        var parts = Self.segments(try key.encrypt([1, 2, 3]))
        parts[index] = ""
        let error = Self.refusal(parts.joined(separator: "."), try JWEDecrypter(key: key))
        #expect(error?.code == .invalidToken)
    }

    @Test func aWrongKeyOfTheRightKindFailsLikeATamperedTag() throws {
        for algorithm in KeyManagementAlgorithm.all where !algorithm.name.hasPrefix("RSA") {
            let key = try JWEKey.generate(algorithm)
            let other = try JWEKey.generate(algorithm)
            #expect(Self.refusal(try key.encrypt([1]), try JWEDecrypter(key: other))?.message == Self.decryptionFailed, "\(algorithm)")
        }
    }

    @Test func theSizeCapComesFirst() throws {
        let key = try JWEKey.generate(.dir)
        let token = try key.encrypt([UInt8](repeating: 65, count: 7000))
        let error = #expect(throws: JWTAuthError.self) { try JWEDecrypter(key: key).decrypt(token) }
        #expect(error?.message == "Token is larger than 8192 bytes")
        var roomy = try JWEDecrypter(key: key)
        roomy.maximumTokenSize = 16384
        #expect(try roomy.decrypt(token).plaintext.count == 7000)
    }

    @Test func aJWSIsNotAJWEAndTheReverse() throws {
        let signing = try JWTKey.generate(.hs256)
        let jws = try TokenIssuer(key: signing).accessToken(for: "42").token
        let key = try JWEKey.generate(.dir)
        let error = #expect(throws: JWTAuthError.self) { try JWEDecrypter(key: key).decrypt(jws) }
        #expect(error?.message == "Expected an encrypted token (JWE), not a signed one")
        let jwe = try key.encrypt(Array(jws.utf8), contentType: "JWT")
        let reverse = #expect(throws: JWTAuthError.self) { try JWTDecoder(keys: JWTKeySet([signing])).decode(jwe, now: 0) }
        #expect(reverse?.code == .invalidToken)
        // A JWS header with five segments is still not a JWE.
        let parts = Self.segments(jws)
        let five = #expect(throws: JWTAuthError.self) { try EncryptedToken([parts[0], "", "AA", parts[1], parts[2]].joined(separator: ".")) }
        #expect(five?.message == "Expected an encrypted token (JWE): the header has no enc")
    }

    @Test func malformedHeadersAreRefused() throws {
        for header in [
            "", "e30", "bm90IGpzb24", Self.header(["alg": 1, "enc": "A256GCM"]), Self.header(["alg": "dir", "enc": 5]),
            Self.header(["alg": "dir", "enc": "A256GCM", "kid": 7]), "eyJhbGciOiJkaXIiLCJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0",
        ] {
            let error = #expect(throws: JWTAuthError.self) { try EncryptedToken("\(header).AA.AA.AA.AA") }
            #expect(error?.code == .invalidToken)
        }
        #expect(throws: JWTAuthError.self) { try EncryptedToken("a.b.c.d") }
        #expect(throws: JWTAuthError.self) { try EncryptedToken("a.b.c.d.e.f") }
        #expect(throws: JWTAuthError.self) { try EncryptedToken(Self.header(["alg": "dir", "enc": "A256GCM"]) + ".AA.A=.AA.AA") }
    }

    /// Every malformed variant of a nested `dir` token, one change at a time: each segment emptied, one character
    /// too many, a character outside the alphabet at its start, middle and end, non-zero trailing bits; the IV,
    /// ciphertext and tag all empty; a flipped ciphertext character; too few and too many segments; too long.
    static func malformedVariants(of token: String) -> [String] {
        let parts = segments(token)
        func replacing(_ index: Int, with segment: String) -> String {
            var parts = parts
            parts[index] = segment
            return parts.joined(separator: ".")
        }
        var variants: [String] = []
        for (index, segment) in parts.enumerated() {
            variants.append(replacing(index, with: ""))
            variants.append(replacing(index, with: segment + "A"))
            for character in ["+", "/", "=", " ", "\u{0}", "é"] {
                for position in Set([0, segment.count / 2, max(segment.count - 1, 0)]) {
                    var characters = Array(segment)
                    if characters.isEmpty { characters = ["A", "A"] }
                    characters[min(position, characters.count - 1)] = Character(character)
                    variants.append(replacing(index, with: String(characters)))
                }
            }
            // The last character with its unused bits set, where the length leaves unused bits.
            if segment.count % 4 == 2 || segment.count % 4 == 3 {
                variants.append(replacing(index, with: String(segment.dropLast()) + "_"))
            }
        }
        variants.append([parts[0], parts[1], "", "", ""].joined(separator: "."))
        var flipped = Array(parts[3].utf8)
        flipped[flipped.count / 2] = flipped[flipped.count / 2] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        variants.append(replacing(3, with: String(decoding: flipped, as: UTF8.self)))
        variants.append(parts.dropLast().joined(separator: "."))
        variants.append(token + ".AA")
        variants.append(replacing(3, with: parts[3] + String(repeating: "A", count: UnverifiedToken.defaultMaximumSize)))
        // Emptying the encrypted key of a `dir` token changes nothing.
        return variants.filter { $0 != token }
    }

    @Test(.bug(id: 18, "a token's IV, ciphertext and tag are decoded in place"))
    func decryptingATokenFailsAsDecryptingItsParsedTokenDoes() throws {
        let key = try JWEKey.generate(.dir)
        let decrypter = try JWEDecrypter(key: key)
        let jws = try TokenIssuer(key: JWTKey.generate(.hs256)).accessToken(for: "42").token
        let token = try key.encrypt(Array(jws.utf8), contentType: "JWT")
        #expect(try decrypter.decrypt(token).plaintext == Array(jws.utf8))
        let variants = Self.malformedVariants(of: token)
        #expect(variants.count > 80)
        for variant in variants {
            // What decryption of the parsed token answers: the parsing error, or the decryption one.
            let expected: JWTAuthError
            do {
                _ = try decrypter.decrypt(EncryptedToken(variant))
                Issue.record("accepted: \(variant)")
                continue
            } catch {
                expected = error
            }
            let direct = #expect(throws: JWTAuthError.self) { try decrypter.decrypt(variant) }
            #expect(direct?.code == expected.code && direct?.message == expected.message, "\(variant)")
            let nested = #expect(throws: JWTAuthError.self) { try decrypter.decryptNested(variant) }
            #expect(nested?.code == expected.code && nested?.message == expected.message, "\(variant)")
        }
    }
}
