import JWTAuth
import JWTAuthTesting
import Testing

/// A verified token's claims are checked as the payload is read but built into a dictionary only when asked for.
/// Whatever the payload, the decoder must accept exactly what the strict parser accepts, and the claims it yields
/// (their members, and every accessor) must be those the parser reads.
@Suite struct DeferredClaimsTests {
    static let now: Double = 1_767_225_600
    static let key = try! JWTKey.generate(.hs256)
    /// Checks the payload and the registered claims' types; with this leeway, no date is too early or too late.
    static let decoder = JWTDecoder(
        keys: try! JWTKeySet([key]),
        validation: ClaimsValidation(leeway: .seconds(1_000_000_000_000), requiredClaims: [])
    )

    static func token(_ payload: [UInt8]) throws -> String {
        try TokenForge.sign(TokenForge.segment(TokenForge.header(for: key)), TokenForge.segment(payload), with: key)
    }

    /// The verdict of `decoder` on `payload` against the parser's, and the claims against the parsed members.
    static func compare(_ payload: [UInt8]) throws -> String? {
        let parsed = try? JSONParser().parseObject(payload)
        let claims: JWTClaims
        let token = try token(payload)
        do throws(JWTAuthError) {
            claims = try decoder.decode(token, now: now).claims
        } catch {
            let isJSONError = error.message.hasPrefix("Invalid payload string")
            if isJSONError != (parsed == nil) { return "decoder: \(error.message); parser: \(parsed.map { "\($0)" } ?? "refused")" }
            return nil
        }
        guard let parsed else { return "the decoder accepted what the parser refused" }
        let expected = JWTClaims(members: parsed)
        if claims.subject != expected.subject || claims.id != expected.id || claims.tokenType != expected.tokenType
            || claims.sessionID != expected.sessionID || claims.expiresAt != expected.expiresAt || claims.notBefore != expected.notBefore
            || claims.issuedAt != expected.issuedAt || claims.issuer != expected.issuer || claims.audience != expected.audience
            || claims.freshness != expected.freshness || claims.csrf != expected.csrf || claims["sub"] != expected["sub"]
            || claims.strings("roles") != expected.strings("roles") || claims.string("type") != expected.string("type")
        {
            return "an accessor differs from the parsed claims"
        }
        if claims.members != parsed || claims != expected || claims.hashValue != expected.hashValue { return "the members differ" }
        // Validated again on their own (as a verified-token cache hit is), they get the parsed claims' verdict.
        let strict = TokenConfiguration().claimsValidation
        if verdict(strict, claims) != verdict(strict, expected) { return "validation differs: \(verdict(strict, claims) ?? "valid")" }
        return nil
    }

    static func verdict(_ validation: ClaimsValidation, _ claims: JWTClaims) -> String? {
        do throws(JWTAuthError) {
            try validation.validate(claims, now: now)
            return nil
        } catch {
            return error.message
        }
    }

    static let seeds: [String] = [
        #"{"sub":"42","iat":1767225600,"nbf":1767225600,"exp":1767226500,"jti":"3f0e","type":"access","fresh":true,"roles":["user","admin"]}"#,
        #"{"sub":"42","sid":"s-1","type":"refresh","csrf":"c","fresh":1767226000,"aud":["api","web"],"iss":"https://issuer"}"#,
        #"{ "sub" : "42" , "ctx" : { "exp" : "x", "sid" : 1, "a" : [ { "b" : null } ] } , "n" : -0, "f" : false, "aud" : "api" }"#,
        #"{"sub":"\u0034\u0032","name":"J\u00f6rg","emoji":"\ud83d\ude00","e":1.5e3,"big":123456789012345678901,"neg":-12}"#,
        #"{"sub":"42","s\u0075b":"43"}"#,
        #"{"sub":"42","ctx":{"a":1,"a":2}}"#,
        #"{"a":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}"#,
        #"{"jti":"x","jti":"y"}"#,
        #"{"fresh":"yes","roles":"a b  c","type":7,"exp":"soon"}"#,
        #"{}"#,
        #"{"sub":"42","audience1":1,"audience2":2,"ab":1,"ba":2}"#,
        #"{"sub":"42","audience1":1,"x":{"audience1":2},"audience1":3}"#,
        // Names too long for a length byte: equal keys, other lengths.
        "{\"\(String(repeating: "a", count: 300))\":1,\"\(String(repeating: "a", count: 301))\":2,\"sub\":\"42\"}",
        "{\"\(String(repeating: "a", count: 300))\":1,\"\(String(repeating: "a", count: 300))\":2}",
        "{\"k\u{e9}\":1,\"ke\u{301}\":2}",
        // More names open at once than the scan holds (JSONParser.scannedNamesLimit): the parser judges them.
        nested(levels: 3, members: 30, duplicate: false),
        nested(levels: 3, members: 30, duplicate: true),
    ]

    /// `levels` objects of `members` members each, each the last member of the next: 90 names open at once for 3 of
    /// 30. With `duplicate`, the innermost repeats its last numbered name, past the 64th name open.
    static func nested(levels: Int, members: Int, duplicate: Bool) -> String {
        var text = #"{"sub":"42"}"#
        for level in 0..<levels {
            var names = (0..<members - 1).map { #""n\#(level)_\#($0)":\#($0)"# }
            if duplicate && level == 0 { names.append(#""n0_\#(members - 2)":0"#) }
            text = "{" + names.joined(separator: ",") + #","inner\#(level)":"# + text + "}"
        }
        return text
    }

    @Test(.bug(id: 21, "claims are built on first use"))
    func seedsDecodeAsTheParserReadsThem() throws {
        for seed in Self.seeds {
            let failure = try Self.compare(Array(seed.utf8))
            #expect(failure == nil, "\(seed)")
        }
    }

    /// A seeded random-mutation run over claim payloads: byte flips, inserted JSON punctuation and escapes, spliced
    /// members (duplicates among them).
    @Test(.bug(id: 21, "claims are built on first use"))
    func mutatedPayloadsDecodeAsTheParserReadsThem() throws {
        var generator = SeededGenerator(seed: 0x5EED_C1A1_0521)
        let pieces: [[UInt8]] = [
            #"""#, ",", ":", "{", "}", "[", "]", #"\"#, #"\u0073"#, "\u{e9}", #""sub":"1","#, #""a":{"a":1},"#, "1.5", "-0", "true",
            #""fresh":true,"#, " ", "\u{7}",
        ].map { Array($0.utf8) }
        var failures: [String] = []
        var accepted = 0
        for round in 0..<6000 {
            var payload = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<Int.random(in: 1...3, using: &generator) {
                let at = Int.random(in: 0...payload.count, using: &generator)
                switch Int.random(in: 0..<4, using: &generator) {
                case 0 where !payload.isEmpty: payload[min(at, payload.count - 1)] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
                case 1 where at < payload.count: payload.remove(at: at)
                case 2:
                    let source = Array(Self.seeds.randomElement(using: &generator)!.utf8)
                    let start = Int.random(in: 0..<source.count, using: &generator)
                    payload.insert(contentsOf: source[start..<min(source.count, start + Int.random(in: 1...12, using: &generator))], at: at)
                default: payload.insert(contentsOf: pieces.randomElement(using: &generator)!, at: at)
                }
            }
            if (try? JSONParser().parseObject(payload)) != nil { accepted += 1 }
            if let failure = try Self.compare(payload), failures.count < 10 {
                failures.append("\(failure): \(String(decoding: payload, as: UTF8.self))")
            }
        }
        #expect(failures.isEmpty, "\(failures)")
        // The run must reach both verdicts often enough to mean something.
        #expect(accepted > 300 && accepted < 5700)
    }

    @Test(.bug(id: 21, "claims are built on first use"))
    func deferredClaimsChangeAndCompareAsAnyOther() async throws {
        let payload = #"{"sub":"42","jti":"j","type":"access","roles":["a"],"n":{"x":[1,2]}}"#
        let claims = try Self.decoder.decode(try Self.token(Array(payload.utf8)), now: Self.now).claims
        // Read from many tasks at once, the members are built once and the same for all.
        let results = await withTaskGroup(of: [String: JSONValue].self) { group in
            for _ in 0..<32 { group.addTask { claims.members } }
            return await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map { $0.count }) == [5])
        #expect(results.allSatisfy { $0 == results[0] })

        var changed = claims
        changed["sub"] = "43"
        changed.members["extra"] = true
        #expect(changed.subject == "43" && changed["extra"] == true && changed.id == "j")
        #expect(claims.subject == "42" && claims["extra"] == nil, "the copy it was changed from keeps its claims")
        #expect(changed != claims)
        changed.members = claims.members
        #expect(changed == claims)
        #expect(Set([claims, changed, JWTClaims(members: claims.members)]).count == 1)
    }
}
