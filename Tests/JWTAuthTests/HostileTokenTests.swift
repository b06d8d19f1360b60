import JWTAuth
import JWTAuthTesting
import Testing

/// Tokens an attacker would send. Each must fail with a `JWTAuthError` whose code names the fault, and none may crash.
///
/// This file holds the structural attacks (alg, keys, kid, segments, base64url, JSON shape, size); signatures are
/// in `HostileTokenTests+Signatures.swift`, claims, revocation and error hygiene in `HostileTokenTests+Claims.swift`.
@Suite struct HostileTokenTests {
    static let now: Double = 1_767_225_600
    static let hmac = try! JWTKey.generate(.hs256, keyID: "hmac")
    static let es256 = try! JWTKey.generate(.es256, keyID: "es256")
    static let rsaPEM = try! Fixtures.text("rsa-2048.pkcs8.pem")
    static let rs256 = try! JWTKey(pem: rsaPEM, algorithm: .rs256, keyID: "rsa")

    /// A decoder holding the public halves of `keys` with the default claim checks.
    static func decoder(
        _ keys: JWTKey...,
        allowed: Set<SigningAlgorithm>? = nil,
        maximumTokenSize: Int = UnverifiedToken.defaultMaximumSize
    ) -> JWTDecoder {
        JWTDecoder(
            keys: try! JWTKeySet(keys.map { $0.publicKey ?? $0 }),
            allowedAlgorithms: allowed,
            maximumTokenSize: maximumTokenSize,
            validation: TokenConfiguration().claimsValidation
        )
    }

    /// Expects `decoder` to refuse `token` with `code` and returns the error.
    @discardableResult
    static func expectRejected(
        _ token: String,
        by decoder: JWTDecoder,
        _ code: JWTAuthError.Code = .invalidToken,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> JWTAuthError? {
        let error = #expect(throws: JWTAuthError.self, sourceLocation: sourceLocation) { try decoder.decode(token, now: now) }
        #expect(error?.code == code, "\(error?.description ?? "no error")", sourceLocation: sourceLocation)
        return error
    }

    static var validClaims: JSONValue { TokenForge.claims(at: now) }

    @Test func wellFormedTokensVerifySoThatEachRejectionBelowIsAboutItsFault() throws {
        for key in [Self.hmac, Self.es256, Self.rs256] {
            let token = try TokenForge.token(claims: Self.validClaims, key: key)
            #expect(try Self.decoder(key).decode(token, now: Self.now).subject == "42")
        }
    }

    // MARK: alg none

    @Test(
        "alg none is refused in every spelling, with or without a signature",
        arguments: ["none", "None", "NONE", "nOnE"],
        ["", "AAAA", Base64URL.encode([UInt8](repeating: 0x5A, count: 32))]
    )
    func algNoneIsRefused(alg: String, signature: String) throws {
        let input = TokenForge.segment(.object(["alg": .string(alg), "typ": "JWT"])) + "." + TokenForge.segment(Self.validClaims)
        for decoder in [Self.decoder(Self.hmac), Self.decoder(Self.es256), Self.decoder(Self.hmac, allowed: Set(SigningAlgorithm.all))] {
            let error = Self.expectRejected(input + "." + signature, by: decoder)
            #expect(error?.message == "The specified alg value is not allowed")
        }
    }

    @Test func unsecuredTokenWithoutTheThirdSegmentIsRefused() throws {
        let input = TokenForge.segment(.object(["alg": "none"])) + "." + TokenForge.segment(Self.validClaims)
        #expect(Self.expectRejected(input, by: Self.decoder(Self.hmac))?.message == "Not enough segments")
    }

    // MARK: algorithm and key confusion

    static var publicKeyTexts: [String] {
        let es = try! JWTKey(pem: Fixtures.text("p256.pkcs8.pem"))
        let ed = try! JWTKey(pem: Fixtures.text("ed25519.pkcs8.pem"))
        return [
            try! Fixtures.text("rsa-2048.spki.pem"), try! Fixtures.text("rsa-2048.pkcs1-public.pem"), try! Fixtures.text("p256.spki.pem"),
            try! Fixtures.text("p521.spki.pem"), try! Fixtures.text("ed25519.spki.pem"), "\n  " + (try! Fixtures.text("p384.spki.pem")),
            try! Fixtures.text("rsa-2048.pkcs8.pem"), try! Fixtures.text("p256.sec1.pem"),
            JSONValue.object(rs256.publicJWK!).description, JSONValue.object(es.publicJWK!).description,
            JSONValue.object(ed.publicJWK!).description, " " + JSONValue.object(es.privateJWK).description,
            JSONValue.object(["keys": .array([.object(rs256.publicJWK!)])]).description,
            "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAbDq0h1tJ4lUUFYpBv3iumzo5YVGjwqG1tFvF0Ih6Tm test@example",
            // A byte-order mark, or text before the PEM block (as `openssl x509 -text` writes), hides nothing.
            "\u{FEFF}" + (try! Fixtures.text("p256.spki.pem")), "\u{FEFF}" + JSONValue.object(es.publicJWK!).description,
            "Subject: CN=auth.example\n" + (try! Fixtures.text("rsa-2048.spki.pem")),
        ]
    }

    @Test(
        "An asymmetric key's text is never accepted as an HMAC secret",
        .bug("https://nvd.nist.gov/vuln/detail/CVE-2016-10555"),
        arguments: publicKeyTexts
    )
    func hmacRefusesAsymmetricKeyText(text: String) throws {
        for algorithm in [SigningAlgorithm.hs256, .hs384, .hs512] {
            #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac(secret: text, algorithm: algorithm) }
            #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac(secret: text, algorithm: algorithm, allowWeakSecret: true) }
        }
        let base64 = "base64:" + Base64URL.encode(Array(text.utf8)).replacing("-", with: "+").replacing("_", with: "/")
        let padded = base64 + String(repeating: "=", count: (4 - (base64.count - 7) % 4) % 4)
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey.hmac(secret: padded) }
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTKey(jwk: ["kty": "oct", "k": .string(TokenForge.segment(text))]) }
    }

    static var asymmetricVerifierKeys: [JWTKey] {
        [
            rs256, try! JWTKey(pem: rsaPEM, algorithm: .ps256, keyID: "rsa"), es256,
            try! JWTKey.generate(.es384, keyID: "es384"), try! JWTKey.generate(.es512, keyID: "es512"),
            try! JWTKey.generate(.eddsa, keyID: "ed"),
        ]
    }

    @Test(
        "An HS256 token keyed with the verifier's public key text is refused",
        .bug("https://nvd.nist.gov/vuln/detail/CVE-2016-10555"),
        arguments: asymmetricVerifierKeys
    )
    func publicKeyAsHMACSecretIsRefused(key: JWTKey) throws {
        let publicKey = try #require(key.publicKey)
        let secrets = [
            Array(try #require(publicKey.pemRepresentation).utf8), Array(JSONValue.object(try #require(publicKey.publicJWK)).description.utf8),
        ]
        for secret in secrets {
            for kid in [key.keyID, nil] {
                var header: [String: JSONValue] = ["alg": "HS256", "typ": "JWT"]
                if let kid { header["kid"] = .string(kid) }
                let token = TokenForge.hs256(header: .object(header), claims: Self.validClaims, secret: secret)
                let error = Self.expectRejected(token, by: Self.decoder(key))
                #expect(error?.message == "The specified alg value is not allowed")
                // Even when HS256 is allowed, a key only verifies with its own algorithm.
                let lenient = Self.decoder(key, allowed: Set(SigningAlgorithm.all))
                #expect(Self.expectRejected(token, by: lenient)?.message == "The specified alg value does not match the key")
            }
        }
    }

    /// A verifier key, and a key of another algorithm (the same material where that exists) signing under the same `kid`.
    struct Mismatch: Sendable, CustomTestStringConvertible {
        let verifier: JWTKey
        let signer: JWTKey
        var testDescription: String { "\(verifier.algorithm) key, \(signer.algorithm) token" }
    }

    static var mismatches: [Mismatch] {
        let ps256 = try! JWTKey(pem: rsaPEM, algorithm: .ps256, keyID: "rsa")
        let secret = hmac.secretBytes!
        return [
            Mismatch(verifier: rs256, signer: ps256),
            Mismatch(verifier: ps256, signer: rs256),
            Mismatch(verifier: rs256, signer: try! JWTKey(pem: rsaPEM, algorithm: .rs384, keyID: "rsa")),
            Mismatch(verifier: ps256, signer: try! JWTKey(pem: rsaPEM, algorithm: .ps512, keyID: "rsa")),
            Mismatch(verifier: es256, signer: try! JWTKey.generate(.es384, keyID: "es256")),
            Mismatch(verifier: es256, signer: try! JWTKey.generate(.es512, keyID: "es256")),
            Mismatch(verifier: es256, signer: try! JWTKey.generate(.eddsa, keyID: "es256")),
            Mismatch(verifier: hmac, signer: try! JWTKey.hmac(secret, algorithm: .hs512, keyID: "hmac")),
            Mismatch(verifier: hmac, signer: try! JWTKey.hmac(secret, algorithm: .hs384, keyID: "hmac")),
        ]
    }

    @Test("A header alg other than the key's is refused, even when allowed", arguments: mismatches)
    func headerAlgMustMatchTheKey(mismatch: Mismatch) throws {
        let token = try TokenForge.token(claims: Self.validClaims, key: mismatch.signer)
        #expect(Self.expectRejected(token, by: Self.decoder(mismatch.verifier))?.message == "The specified alg value is not allowed")
        let lenient = Self.decoder(mismatch.verifier, allowed: [mismatch.verifier.algorithm, mismatch.signer.algorithm])
        #expect(Self.expectRejected(token, by: lenient)?.message == "The specified alg value does not match the key")
    }

    @Test func algOutsideTheAllowListIsRefusedThoughItsKeyIsInTheSet() throws {
        let decoder = Self.decoder(Self.es256, Self.rs256, allowed: [.es256])
        let token = try TokenForge.token(claims: Self.validClaims, key: Self.rs256)
        #expect(Self.expectRejected(token, by: decoder)?.message == "The specified alg value is not allowed")
        _ = try decoder.decode(TokenForge.token(claims: Self.validClaims, key: Self.es256), now: Self.now)
    }

    @Test(arguments: ["HS1", "hs256", "HS256 ", " HS256", "ES256K", "RSA-OAEP", "dir", "A128KW", "HS256\u{0}", ""] as [String])
    func unknownAlgNamesAreRefused(alg: String) throws {
        let token = try TokenForge.token(header: TokenForge.header(for: Self.hmac, ["alg": .string(alg)]), claims: Self.validClaims, key: Self.hmac)
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "The specified alg value is not allowed")
    }

    @Test(arguments: [1, nil, true, ["HS256"], ["alg": "HS256"]] as [JSONValue])
    func algThatIsNotAStringIsRefused(alg: JSONValue) throws {
        let token = try TokenForge.token(header: .object(["alg": alg, "kid": "hmac"]), claims: Self.validClaims, key: Self.hmac)
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "The header has no string alg")
        let missing = try TokenForge.token(header: .object(["typ": "JWT"]), claims: Self.validClaims, key: Self.hmac)
        #expect(Self.expectRejected(missing, by: Self.decoder(Self.hmac))?.message == "The header has no string alg")
    }

    // MARK: kid

    @Test(
        "An unknown or path-like kid selects no key and is not echoed",
        arguments: [
            "nope", "../../etc/passwd", "/dev/null", "kid' OR 1=1", "kid' OR 1=1 --", "", String(repeating: "k", count: 2000), "hmac\u{0}", "HMAC",
            "hmac ",
        ]
    )
    func unknownKidIsRefused(kid: String) throws {
        let signer = Self.hmac.withKeyID(kid)
        let token = try TokenForge.token(claims: Self.validClaims, key: signer)
        // A key set of one key still does not fall back to that key for a kid it does not know.
        for decoder in [Self.decoder(Self.hmac), Self.decoder(Self.hmac, Self.es256)] {
            let error = Self.expectRejected(token, by: decoder)
            #expect(error?.message == "Unknown key id")
        }
    }

    @Test(arguments: [1, 0, true, nil, ["hmac"], ["id": "hmac"], 1.5] as [JSONValue])
    func kidOfTheWrongTypeIsRefused(kid: JSONValue) throws {
        let token = try TokenForge.token(header: .object(["alg": "HS256", "kid": kid]), claims: Self.validClaims, key: Self.hmac)
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "The header's kid is not a string")
    }

    @Test func missingKidDoesNotPickAKeyWhenTheSetHasNoDefault() throws {
        let token = try TokenForge.token(claims: Self.validClaims, key: Self.hmac.withKeyID(nil))
        let other = try JWTKey.generate(.hs256, keyID: "other")
        #expect(
            Self.expectRejected(token, by: Self.decoder(Self.hmac, other))?.message
                == "The token has no kid and the key set has no default key"
        )
    }

    // MARK: embedded keys

    @Test("Keys and key URLs in the header are never trusted or fetched", .bug("https://nvd.nist.gov/vuln/detail/CVE-2018-0114"))
    func embeddedKeysAreIgnored() throws {
        let listener = try LoopbackListener()
        let attacker = try JWTKey.generate(.es256)
        let url = JSONValue.string("http://127.0.0.1:\(listener.port)/jwks.json")
        let embedded: [[String: JSONValue]] = [
            ["jwk": .object(try #require(attacker.publicJWK))],
            ["jwk": .object(try #require(attacker.withKeyID("es256").publicJWK))],
            ["jku": url], ["x5u": url], ["x5c": ["MIIBszCCAVmgAwIBAgIUPeb0vS0+"]], ["x5t": "dGh1bWI"],
            ["jwk": .object(try #require(attacker.publicJWK)), "jku": url, "x5u": url],
        ]
        for members in embedded {
            for kid in [JSONValue.string("es256"), .string(attacker.thumbprint)] {
                var header = members
                header["alg"] = "ES256"
                header["kid"] = kid
                let forged = try TokenForge.token(header: .object(header), claims: Self.validClaims, key: attacker)
                Self.expectRejected(forged, by: Self.decoder(Self.es256))
            }
            // The same members on a token the real key signed change nothing: they are ignored, not obeyed.
            let genuine = try TokenForge.token(header: TokenForge.header(for: Self.es256, members), claims: Self.validClaims, key: Self.es256)
            #expect(try Self.decoder(Self.es256).decode(genuine, now: Self.now).subject == "42")
        }
        #expect(!listener.hasPendingConnection, "a header URL was fetched")
    }

    // MARK: segments

    @Test(
        arguments: [
            ("", "Not enough segments"), (".", "Not enough segments"), ("abc", "Not enough segments"), ("a.b", "Not enough segments"),
            ("a.b.c.d", "Too many segments"), ("a.b.c.d.e", "Too many segments"), ("....", "Too many segments"),
        ]
    )
    func wrongSegmentCountsAreRefused(token: String, message: String) throws {
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == message)
    }

    @Test func segmentsAddedToOrRemovedFromAValidTokenAreRefused() throws {
        let token = try TokenForge.token(claims: Self.validClaims, key: Self.hmac)
        let parts = TokenForge.segments(token)
        let decoder = Self.decoder(Self.hmac)
        for variant in [
            parts[0] + "." + parts[1], parts[0], token + ".", token + "." + parts[2], token + ".." + parts[2],
            parts[0] + "." + parts[1] + "." + parts[1] + "." + parts[2], "." + token, "..",
            parts[0] + ".." + parts[2],
        ] {
            Self.expectRejected(variant, by: decoder)
        }
    }

    // MARK: base64url

    /// Claims whose encoding contains `-` and `_`, so that the standard alphabet's `+` and `/` can be tried.
    static let urlAlphabetClaims = TokenForge.claims(at: now, overriding: ["note": ">>>>>>??????"])

    @Test func standardAlphabetPaddingAndWhitespaceAreRefusedInEverySegment() throws {
        let key = Self.hmac
        let decoder = Self.decoder(key)
        let header = TokenForge.segment(TokenForge.header(for: key, ["x": ">>>>>>??????"]))
        let payload = TokenForge.segment(Self.urlAlphabetClaims)
        #expect(header.contains("-") && header.contains("_"))
        #expect(payload.contains("-") && payload.contains("_"))
        _ = try decoder.decode(try TokenForge.sign(header, payload, with: key), now: Self.now)

        func standard(_ segment: String) -> String { segment.replacing("-", with: "+").replacing("_", with: "/") }
        func padded(_ segment: String) -> String { segment + String(repeating: "=", count: max(1, (4 - segment.count % 4) % 4)) }
        let variants: [(String) -> String] = [
            standard, padded, { $0 + "=" }, { " " + $0 }, { $0 + " " }, { $0 + "\n" }, { "\t" + $0 },
            { String($0.prefix(4)) + "\n" + String($0.dropFirst(4)) }, { String($0.prefix(4)) + " " + String($0.dropFirst(4)) },
            { $0 + "\r\n" }, { String($0.prefix(4)) + "%2B" + String($0.dropFirst(4)) },
        ]
        for variant in variants {
            // Header and payload are signed again as they stand, so that the base64url rule alone refuses them.
            for token in [
                try TokenForge.sign(variant(header), payload, with: key), try TokenForge.sign(header, variant(payload), with: key),
            ] {
                Self.expectRejected(token, by: decoder)
            }
            let good = TokenForge.segments(try TokenForge.sign(header, payload, with: key))
            if variant(good[2]) != good[2] { Self.expectRejected(good[0] + "." + good[1] + "." + variant(good[2]), by: decoder) }
        }
    }

    /// The segment with its last character moved to another with the same significant bits: the same bytes, other
    /// unused trailing bits.
    static func nonCanonical(_ segment: String) -> String? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        let unusedBits = [0, 0, 4, 2][segment.count % 4]
        guard unusedBits > 0, let last = segment.last, let index = alphabet.firstIndex(of: last) else { return nil }
        return String(segment.dropLast()) + String(alphabet[index | 1])
    }

    @Test func nonCanonicalTrailingBitsAreRefusedInEverySegment() throws {
        let key = Self.hmac
        let decoder = Self.decoder(key)
        // Find a header and payload whose encodings have unused trailing bits.
        var header = TokenForge.segment(TokenForge.header(for: key))
        var pad = ""
        while Self.nonCanonical(header) == nil {
            pad += "x"
            header = TokenForge.segment(TokenForge.header(for: key, ["pad": .string(pad)]))
        }
        var payload = TokenForge.segment(Self.validClaims)
        pad = ""
        while Self.nonCanonical(payload) == nil {
            pad += "x"
            payload = TokenForge.segment(TokenForge.claims(at: Self.now, overriding: ["pad": .string(pad)]))
        }
        let token = try TokenForge.sign(header, payload, with: key)
        _ = try decoder.decode(token, now: Self.now)
        let signature = TokenForge.segments(token)[2]  // 32 bytes: 43 characters, 2 unused bits

        let header2 = try #require(Self.nonCanonical(header))
        let payload2 = try #require(Self.nonCanonical(payload))
        let signature2 = try #require(Self.nonCanonical(signature))
        #expect(Base64URL.decode(header2) == nil && Base64URL.decode(payload2) == nil && Base64URL.decode(signature2) == nil)

        #expect(Self.expectRejected(try TokenForge.sign(header2, payload, with: key), by: decoder)?.message == "Invalid header padding")
        #expect(Self.expectRejected(try TokenForge.sign(header, payload2, with: key), by: decoder)?.message == "Invalid payload padding")
        #expect(Self.expectRejected(header + "." + payload + "." + signature2, by: decoder)?.message == "Invalid crypto padding")
    }

    /// An ES256 token whose text contains each of `characters`.
    static func es256Token(containing characters: [Character]) throws -> String {
        while true {
            let token = try TokenForge.token(claims: validClaims, key: es256)
            if characters.allSatisfy(token.contains) { return token }
        }
    }

    @Test func nonASCIILookalikesOfBase64URLAreRefused() throws {
        let token = try Self.es256Token(containing: ["K", "A", "a", "-"])
        let decoder = Self.decoder(Self.es256)
        // U+212A KELVIN SIGN is canonically equivalent to "K", so Swift's String == calls the two tokens equal.
        for (ascii, lookalike) in [("K", "\u{212A}"), ("A", "\u{FF21}"), ("a", "\u{0430}"), ("-", "\u{2010}")] as [(Character, String)] {
            var forged = token
            let index = try #require(forged.firstIndex(of: ascii))
            forged.replaceSubrange(index...index, with: lookalike)
            Self.expectRejected(forged, by: decoder)
        }
    }

    // MARK: JSON shape

    @Test(arguments: ["[]", "[\"alg\",\"HS256\"]", "\"HS256\"", "1", "null", "true", "", " ", "{", "{\"alg\":\"HS256\"", "{'alg':'HS256'}"])
    func headerThatIsNotAnObjectIsRefused(json: String) throws {
        let token = try TokenForge.sign(TokenForge.segment(json), TokenForge.segment(Self.validClaims), with: Self.hmac)
        let error = Self.expectRejected(token, by: Self.decoder(Self.hmac))
        #expect(error?.message.hasPrefix("Invalid header string") == true)
    }

    @Test(arguments: ["[]", "[{\"sub\":\"42\"}]", "\"42\"", "42", "null", "false", "", "{", "{\"sub\":\"42\",}"])
    func claimsThatAreNotAnObjectAreRefused(json: String) throws {
        let token = try TokenForge.sign(TokenForge.segment(TokenForge.header(for: Self.hmac)), TokenForge.segment(json), with: Self.hmac)
        let error = Self.expectRejected(token, by: Self.decoder(Self.hmac))
        #expect(error?.message.hasPrefix("Invalid payload string") == true)
    }

    @Test func duplicateMemberNamesAreRefusedInHeaderAndClaims() throws {
        let key = Self.hmac
        let decoder = Self.decoder(key)
        let claims = TokenForge.segment(Self.validClaims)
        for header in [
            #"{"alg":"HS256","kid":"hmac","alg":"none"}"#, #"{"alg":"none","kid":"hmac","alg":"HS256"}"#,
            #"{"alg":"HS256","kid":"other","kid":"hmac"}"#, #"{"alg":"HS256","kid":"hmac","\u0061lg":"HS256"}"#,
        ] {
            let error = Self.expectRejected(try TokenForge.sign(TokenForge.segment(header), claims, with: key), by: decoder)
            #expect(error?.message == "Invalid header string: Duplicate member name")
        }
        let body = String(Self.validClaims.description.dropFirst())
        for prefix in [#"{"sub":"admin","#, #"{"exp":99999999999,"#, #"{"type":"refresh","#, #"{"su\u0062":"1","#, #"{"jti":"x","#] {
            let token = try TokenForge.sign(TokenForge.segment(TokenForge.header(for: key)), TokenForge.segment(prefix + body), with: key)
            #expect(Self.expectRejected(token, by: decoder)?.message == "Invalid payload string: Duplicate member name")
        }
    }

    @Test(arguments: [["exp"], [], "exp", ["b64"], 1] as [JSONValue])
    func critIsRefused(crit: JSONValue) throws {
        let token = try TokenForge.token(
            header: TokenForge.header(for: Self.hmac, ["crit": crit, "exp": 1]),
            claims: Self.validClaims,
            key: Self.hmac
        )
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "Unsupported critical header parameters")
    }

    // MARK: size and depth

    /// A token signed by `key` that is exactly `size` bytes long.
    static func token(ofSize size: Int, key: JWTKey) throws -> String {
        for headerPad in 0..<4 {
            let header = TokenForge.segment(TokenForge.header(for: key, ["pad": .string(String(repeating: "h", count: headerPad))]))
            let signatureLength = TokenForge.segments(try TokenForge.token(claims: validClaims, key: key))[2].count
            var low = 0
            var high = size
            while low <= high {
                let pad = (low + high) / 2
                let payload = TokenForge.segment(TokenForge.claims(at: now, overriding: ["pad": .string(String(repeating: "p", count: pad))]))
                let length = header.count + payload.count + signatureLength + 2
                if length == size { return try TokenForge.sign(header, payload, with: key) }
                if length < size { low = pad + 1 } else { high = pad - 1 }
            }
        }
        throw JWTAuthError.invalidConfiguration("no token of \(size) bytes")
    }

    @Test func tokenOverTheSizeLimitFailsBeforeAnythingElse() throws {
        let decoder = Self.decoder(Self.hmac)
        let exact = try Self.token(ofSize: 8192, key: Self.hmac)
        #expect(exact.utf8.count == 8192)
        #expect(try decoder.decode(exact, now: Self.now).subject == "42")

        let over = try Self.token(ofSize: 8193, key: Self.hmac)
        #expect(over.utf8.count == 8193)
        #expect(Self.expectRejected(over, by: decoder)?.message == "Token is larger than 8192 bytes")
        // Garbage of the same size gets the same answer: the size is checked before segments, JSON or crypto.
        for garbage in [String(repeating: ".", count: 8193), String(repeating: "\u{FF}", count: 4097), String(repeating: "A", count: 1 << 20)] {
            let error = Self.expectRejected(garbage, by: decoder)
            #expect(error?.message == "Token is larger than 8192 bytes")
        }
        let small = Self.decoder(Self.hmac, maximumTokenSize: 100)
        #expect(
            Self.expectRejected(try TokenForge.token(claims: Self.validClaims, key: Self.hmac), by: small)?.message
                == "Token is larger than 100 bytes"
        )
    }

    @Test(arguments: [("[", "]"), ("{\"a\":", "}"), ("[{\"a\":", "}]")])
    func deeplyNestedJSONIsRefusedWithoutExhaustingTheStack(open: String, close: String) throws {
        let nested = String(repeating: open, count: 10_000) + "1" + String(repeating: close, count: 10_000)
        let decoder = Self.decoder(Self.hmac, maximumTokenSize: 1 << 20)
        let claims = #"{"sub":"42","x":"# + nested + "}"
        let inClaims = try TokenForge.sign(TokenForge.segment(TokenForge.header(for: Self.hmac)), TokenForge.segment(claims), with: Self.hmac)
        #expect(Self.expectRejected(inClaims, by: decoder)?.message == "Invalid payload string: JSON nested too deeply")
        let header = #"{"alg":"HS256","x":"# + nested + "}"
        let inHeader = try TokenForge.sign(TokenForge.segment(header), TokenForge.segment(Self.validClaims), with: Self.hmac)
        #expect(Self.expectRejected(inHeader, by: decoder)?.message == "Invalid header string: JSON nested too deeply")
        // Under the default limit the size check answers first.
        Self.expectRejected(inClaims, by: Self.decoder(Self.hmac))
    }

    // MARK: text

    static let badStrings: [[UInt8]] = [
        [0xFF], [0xC3, 0x28], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xE2, 0x82], [0x80],
        Array(#"\ud800"#.utf8), Array(#"\udc00"#.utf8), Array(#"\ud800\u0041"#.utf8), Array(#"\ud800\ud800"#.utf8),
        Array(#"\u12"#.utf8), Array(#"\x41"#.utf8), [0x00], [0x0A], [0x1F],
    ]

    @Test(arguments: badStrings)
    func invalidTextInHeaderOrClaimsStringsIsRefused(bad: [UInt8]) throws {
        let key = Self.hmac
        let decoder = Self.decoder(key)
        let header = Array(#"{"alg":"HS256","kid":"hmac","x":""#.utf8) + bad + Array(#""}"#.utf8)
        let inHeader = try TokenForge.sign(TokenForge.segment(header), TokenForge.segment(Self.validClaims), with: key)
        #expect(Self.expectRejected(inHeader, by: decoder)?.message.hasPrefix("Invalid header string") == true)
        let claims = Array(#"{"exp":1767226500,"jti":"j","sub":""#.utf8) + bad + Array(#"","type":"access"}"#.utf8)
        let inClaims = try TokenForge.sign(TokenForge.segment(TokenForge.header(for: key)), TokenForge.segment(claims), with: key)
        #expect(Self.expectRejected(inClaims, by: decoder)?.message.hasPrefix("Invalid payload string") == true)
    }
}
