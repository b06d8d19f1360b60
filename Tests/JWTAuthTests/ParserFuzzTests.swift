import FoundationEssentials
import JWTAuth
import JWTAuthTesting
import Testing

/// A seeded random-mutation fuzz run over everything that reads untrusted bytes: tokens (signed and encrypted),
/// JSON, base64url, JWK, JWK Sets and PEM. It starts from valid inputs, mutates them, and checks that nothing crashes, that every
/// failure is the `JWTAuthError` the API promises, and that no mutated token verifies.
///
/// Bounded by `JWT_AUTH_FUZZ_INPUTS` inputs (default 200,000) or 8 seconds, whichever comes first; the seed
/// (`JWT_AUTH_FUZZ_SEED`, default fixed) is printed so that a failing run can be replayed.
@Suite struct ParserFuzzTests {
    static let now: Double = 1_767_225_600

    /// What a fuzz input is fed to.
    enum Target: CaseIterable {
        case token, jwe, json, base64URL, jwk, jwks, pem
    }

    /// The keys the encrypted tokens of the corpus are encrypted to, one per kind of key management.
    static let encryptionKeys: [JWEKey] = [
        try! JWEKey.generate(.dir, keyID: "dir"), try! JWEKey.generate(.a128KW, encryption: .a128CBCHS256, keyID: "kw"),
        try! JWEKey.generate(.ecdhES, encryption: .a256CBCHS512, keyID: "ec"),
        try! JWEKey.generate(.ecdhESA256KW, curve: "X25519", keyID: "x"), try! JWEKey.generate(.rsaOAEP256, keyID: "rsa"),
    ]
    static let decrypter = try! JWEDecrypter(keys: encryptionKeys)

    struct Corpus {
        var tokens: [[UInt8]] = []
        var encrypted: [[UInt8]] = []
        var json: [[UInt8]] = []
        var base64URL: [[UInt8]] = []
        var jwk: [[UInt8]] = []
        var jwks: [[UInt8]] = []
        var pem: [[UInt8]] = []
    }

    static func makeCorpus() throws -> (Corpus, JWTDecoder) {
        let clock = SettableClock(now: now)
        let keys: [JWTKey] = [
            try JWTKey.generate(.hs256, keyID: "hs"), try JWTKey.generate(.es256, keyID: "es"), try JWTKey.generate(.eddsa, keyID: "ed"),
            try JWTKey(pem: Fixtures.text("rsa-2048.pkcs8.pem"), algorithm: .ps256, keyID: "ps"),
            try JWTKey.generate(.hs512),
        ]
        var corpus = Corpus()
        for key in keys {
            let factory = try TokenFactory(key: key, clock: clock, claimsProvider: { _, _ in ["roles": ["admin", "user"]] })
            for token in [try factory.token(), try factory.token(.refresh), try factory.token(claims: ["sub": "1", "exp": 1_767_226_000])] {
                corpus.tokens.append(Array(token.utf8))
                let parts = TokenForge.segments(token)
                corpus.base64URL.append(contentsOf: parts.map { Array($0.utf8) })
                corpus.json.append(contentsOf: parts.prefix(2).compactMap { Base64URL.decode($0) })
            }
            if let jwk = key.publicJWK { corpus.jwk.append(Array(JSONValue.object(jwk).description.utf8)) }
            if key.algorithm != .ps256 { corpus.jwk.append(Array(JSONValue.object(key.privateJWK).description.utf8)) }
            if let pem = key.publicKey?.pemRepresentation { corpus.pem.append(Array(pem.utf8)) }
        }
        for key in encryptionKeys {
            let token = try key.encrypt(Array("{\"sub\":\"42\"}".utf8), contentType: "JWT")
            corpus.encrypted.append(Array(token.utf8))
            corpus.base64URL.append(Array(token.split(separator: ".")[0].utf8))
        }
        corpus.json.append(Array(#"{"a":[[[[{"b":[1,2.5e-3,{"c":"\u00e9\ud83d\ude00\n"}]}]]]],"n":-1.5e3,"t":true,"f":false,"z":null}"#.utf8))
        let verificationKeys = try JWTKeySet(keys.map { $0.publicKey ?? $0 })
        corpus.jwks.append(Array(verificationKeys.publicJWKS.description.utf8))
        corpus.pem.append(Array(try Fixtures.text("p256.sec1.pem").utf8))
        corpus.pem.append(Array(try Fixtures.text("ed25519.pkcs8.pem").utf8))
        corpus.pem.append(Array(try Fixtures.text("rsa-2048.spki.pem").utf8))
        let decoder = JWTDecoder(
            keys: verificationKeys,
            allowedAlgorithms: Set(SigningAlgorithm.all),
            validation: TokenConfiguration(requiredClaims: []).claimsValidation
        )
        return (corpus, decoder)
    }

    static let interesting: [UInt8] = Array(".\"{}[]:,\\=+/-_ 0\u{7F}".utf8) + [0x00, 0x0A, 0x80, 0xC3, 0xED, 0xFF]

    /// One random change to `bytes`; `other` is another input of the same kind, for splicing.
    static func mutate(_ bytes: inout [UInt8], splicing other: [UInt8], using generator: inout SeededGenerator) {
        func position(_ extra: Int = 0) -> Int { Int.random(in: 0..<(bytes.count + extra), using: &generator) }
        if bytes.isEmpty {
            bytes = other
            return
        }
        switch Int.random(in: 0..<11, using: &generator) {
        case 0:
            bytes[position()] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
        case 1:
            bytes[position()] = UInt8.random(in: 0...255, using: &generator)
        case 2:
            bytes[position()] = interesting.randomElement(using: &generator)!
        case 3:
            bytes.insert(interesting.randomElement(using: &generator)!, at: position(1))
        case 4:
            let start = position()
            bytes.removeSubrange(start..<min(bytes.count, start + Int.random(in: 1...8, using: &generator)))
        case 5:
            let start = position()
            let slice = bytes[start..<min(bytes.count, start + Int.random(in: 1...16, using: &generator))]
            bytes.insert(contentsOf: slice, at: position(1))
        case 6:
            bytes.removeSubrange(position()...)
        case 7:
            bytes.insert(
                contentsOf: (0..<Int.random(in: 1...8, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) },
                at: position(1)
            )
        case 8:
            // Swap, drop or duplicate a dot-separated segment.
            var segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false).map(Array.init)
            let index = Int.random(in: 0..<segments.count, using: &generator)
            switch Int.random(in: 0..<3, using: &generator) {
            case 0: segments.swapAt(index, Int.random(in: 0..<segments.count, using: &generator))
            case 1: segments.remove(at: index)
            default: segments.insert(segments[index], at: index)
            }
            bytes = Array(segments.joined(separator: [UInt8(ascii: ".")]))
        case 9:
            // Splice: a prefix of this input with a suffix of another.
            guard !other.isEmpty else { return }
            bytes = Array(bytes[..<position()]) + Array(other[Int.random(in: 0..<other.count, using: &generator)...])
        default:
            // Splice segment-wise: one segment taken from another token.
            let mine = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            let theirs = other.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
            guard mine.count == 3, theirs.count == 3 else { return }
            let index = Int.random(in: 0..<3, using: &generator)
            bytes = Array((0..<3).map { $0 == index ? theirs[$0] : mine[$0] }.joined(separator: [UInt8(ascii: ".")]))
        }
    }

    /// Tallies and the first few violations, reported at the end.
    struct Outcome {
        var inputs = 0
        var accepted: [Target: Int] = [:]
        var violations: [String] = []

        mutating func violation(_ text: @autoclosure () -> String) {
            if violations.count < 20 { violations.append(text()) }
        }
    }

    static func run(_ target: Target, _ input: [UInt8], originals: Set<[UInt8]>, decoder: JWTDecoder, outcome: inout Outcome) {
        var accepted = false
        switch target {
        case .token:
            // The raw bytes (which may not be UTF-8), then the text an HTTP layer would hand over.
            let raw: Result<Void, JWTAuthError> = input.withUnsafeBytes { buffer in
                do throws(JWTAuthError) {
                    let verified = try decoder.verifySignature(try UnverifiedToken(buffer))
                    try decoder.validation.validate(verified.claims, now: now)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }
            let text: Result<VerifiedToken, JWTAuthError> = Result { () throws(JWTAuthError) in
                try decoder.decode(String(decoding: input, as: UTF8.self), now: now)
            }
            for result in [raw.map { _ in () }, text.map { _ in () }] {
                switch result {
                case .success:
                    accepted = true
                    // Only an unchanged token, or another token of the corpus, may verify.
                    if !originals.contains(input) { outcome.violation("a mutated token verified: \(String(decoding: input, as: UTF8.self))") }
                case .failure(let error):
                    if error.code != .invalidToken { outcome.violation("token: \(error.code) from \(input)") }
                }
            }
        case .jwe:
            do {
                _ = try decrypter.decrypt(String(decoding: input, as: UTF8.self))
                accepted = true
                if !originals.contains(input) { outcome.violation("a mutated JWE decrypted: \(String(decoding: input, as: UTF8.self))") }
            } catch {
                if error.code != .invalidToken { outcome.violation("jwe: \(error.code) from \(input)") }
            }
        case .json:
            if let value = try? JSONParser().parse(input) {
                accepted = true
                let again = try? JSONParser().parse(JSONWriter.encode(value))
                if again != JSONParserTests.normalized(value) { outcome.violation("JSON did not round-trip: \(input)") }
            }
        case .base64URL:
            if let bytes = Base64URL.decode(input) {
                accepted = true
                if Array(Base64URL.encode(bytes).utf8) != input { outcome.violation("two encodings of one byte string: \(input)") }
            }
        case .jwk:
            do {
                let key = try JWTKey(jwk: String(decoding: input, as: UTF8.self), allowWeakSecret: true)
                accepted = true
                if let publicJWK = key.publicJWK, (try? JWTKey(jwk: publicJWK))?.thumbprint != key.thumbprint {
                    outcome.violation("public JWK did not round-trip: \(input)")
                }
            } catch {
                if error.code != .invalidKey { outcome.violation("jwk: \(error.code)") }
            }
        case .jwks:
            do {
                _ = try JWTKeySet(jwks: String(decoding: input, as: UTF8.self))
                accepted = true
            } catch {
                if error.code != .invalidKey { outcome.violation("jwks: \(error.code)") }
            }
        case .pem:
            do {
                _ = try JWTKey(pem: String(decoding: input, as: UTF8.self))
                accepted = true
            } catch {
                if error.code != .invalidKey { outcome.violation("pem: \(error.code)") }
            }
        }
        outcome.inputs += 1
        if accepted { outcome.accepted[target, default: 0] += 1 }
    }

    @Test func mutatedInputsNeverCrashAndNeverVerify() throws {
        let environment = ProcessInfo.processInfo.environment
        let seed = environment["JWT_AUTH_FUZZ_SEED"].flatMap { UInt64($0) } ?? 0x4A57_5441_7574_6821
        let limit = environment["JWT_AUTH_FUZZ_INPUTS"].flatMap { Int($0) } ?? 200_000
        let timeLimit = Duration.seconds(environment["JWT_AUTH_FUZZ_SECONDS"].flatMap { Int($0) } ?? 8)
        print("fuzz: seed \(seed)")

        let (corpus, decoder) = try Self.makeCorpus()
        // The unmutated corpus is accepted: otherwise the run would prove nothing.
        for token in corpus.tokens {
            #expect(throws: Never.self) { try decoder.decode(String(decoding: token, as: UTF8.self), now: Self.now) }
        }
        // Weighted towards tokens, the input that arrives with every request.
        let schedule: [Target] =
            Array(repeating: .token, count: 10) + Array(repeating: .jwe, count: 4) + Array(repeating: .json, count: 4)
            + Array(repeating: .base64URL, count: 3)
            + Array(repeating: .jwk, count: 2) + [.jwks, .pem]
        func inputs(_ target: Target) -> [[UInt8]] {
            switch target {
            case .token: corpus.tokens
            case .jwe: corpus.encrypted
            case .json: corpus.json
            case .base64URL: corpus.base64URL
            case .jwk: corpus.jwk
            case .jwks: corpus.jwks
            case .pem: corpus.pem
            }
        }

        let originals = Set(corpus.tokens + corpus.encrypted)
        var generator = SeededGenerator(seed: seed)
        var outcome = Outcome()
        let clock = ContinuousClock()
        let start = clock.now
        while outcome.inputs < limit, outcome.inputs % 256 != 0 || clock.now - start < timeLimit {
            let target = schedule.randomElement(using: &generator)!
            let pool = inputs(target)
            let original = pool.randomElement(using: &generator)!
            var input = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                Self.mutate(&input, splicing: pool.randomElement(using: &generator)!, using: &generator)
            }
            Self.run(target, input, originals: originals, decoder: decoder, outcome: &outcome)
        }

        let elapsed = clock.now - start
        let accepted = Target.allCases.map { "\($0) \(outcome.accepted[$0, default: 0])" }.joined(separator: ", ")
        print("fuzz: \(outcome.inputs) inputs in \(elapsed), seed \(seed); accepted: \(accepted)")
        #expect(outcome.violations.isEmpty, "\(outcome.violations.joined(separator: "\n"))")
    }
}
