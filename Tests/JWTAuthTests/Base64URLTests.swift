import Testing

@testable import JWTAuth

@Suite struct Base64URLTests {
    /// RFC 4648 §10, without padding.
    @Test(arguments: [
        ("", ""), ("f", "Zg"), ("fo", "Zm8"), ("foo", "Zm9v"), ("foob", "Zm9vYg"), ("fooba", "Zm9vYmE"), ("foobar", "Zm9vYmFy"),
    ])
    func rfc4648Vectors(text: String, encoded: String) {
        #expect(Base64URL.encode(Array(text.utf8)) == encoded)
        #expect(Base64URL.decode(encoded) == Array(text.utf8))
    }

    @Test func urlAlphabetReplacesPlusAndSlash() {
        // Standard base64 of these bytes is "+/+/" and "-_8=": the URL alphabet has "-" and "_".
        #expect(Base64URL.encode([0xFB, 0xFF, 0xBF]) == "-_-_")
        #expect(Base64URL.encode([0xFB, 0xFF]) == "-_8")
        #expect(Base64URL.decode("-_-_") == [0xFB, 0xFF, 0xBF])
        #expect(Base64URL.encode((0...255).map { UInt8($0) }).allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
    }

    /// RFC 7515 appendix A.1's header, as it appears in the specification.
    @Test func rfc7515Example() {
        let header: [UInt8] = [
            123, 34, 116, 121, 112, 34, 58, 34, 74, 87, 84, 34, 44, 13, 10, 32, 34, 97, 108, 103, 34, 58, 34, 72, 83, 50, 53, 54, 34, 125,
        ]
        #expect(Base64URL.encode(header) == "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9")
    }

    @Test func roundTripsEveryLengthAndByte() {
        var generator = SeededGenerator(seed: 4648)
        for length in 0..<300 {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let encoded = Base64URL.encode(bytes)
            #expect(encoded.utf8.count == (length * 4 + 2) / 3)
            #expect(Base64URL.decode(encoded) == bytes)
            #expect(Base64URL.decode(Array(encoded.utf8)) == bytes)
            #expect(Base64URL.decode(encoded[...]) == bytes)
            var appended: [UInt8] = Array("x.".utf8)
            Base64URL.encode(bytes, into: &appended)
            #expect(appended == Array("x.".utf8) + Array(encoded.utf8))
        }
    }

    @Test(arguments: [
        "Zg==", "Zg=", "Zm8=", "Zm9v====", "=", "Z", "Zm9vY", "Zm9v+", "Zm9v/", "+/+/", "Zm 9v", " Zm9v", "Zm9v ", "Zm9v\n", "Zm\r\n9v",
        "Zm9v\t", "Zm9v.", "Zm9v%3D", "Zm9v!", "Zm9v\u{0}", "Zm9v\u{212A}", "Ｚｍ９ｖ", "Zm9vé",
    ])
    func refusesWhatIsNotCanonicalUnpaddedBase64URL(text: String) {
        #expect(Base64URL.decode(text) == nil)
    }

    @Test func refusesNonZeroTrailingBits() {
        // "Zg" is 0x66 with four zero bits; "Zh" to "Zv" carry the same byte with other trailing bits.
        #expect(Base64URL.decode("Zg") == [0x66])
        for last in "hijklmnopqrstuv" {
            #expect(Base64URL.decode("Z\(last)") == nil, "Z\(last)")
        }
        // "Zm8" is "fo" with two zero bits; "Zm9", "Zm-", "Zm_" differ only there.
        #expect(Base64URL.decode("Zm8") == Array("fo".utf8))
        for last in ["9", "-", "_"] {
            #expect(Base64URL.decode("Zm\(last)") == nil)
        }
    }

    @Test func everyStringDecodesToAtMostOneByteStringAndBack() {
        // Exhaustive over two and three characters: whatever decodes re-encodes to the very same text.
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        var accepted = 0
        for a in alphabet {
            for b in alphabet {
                for c in [nil] + alphabet.map(Optional.some) {
                    let text = String(a) + String(b) + (c.map(String.init) ?? "")
                    if let bytes = Base64URL.decode(text) {
                        #expect(Base64URL.encode(bytes) == text)
                        accepted += 1
                    }
                }
            }
        }
        #expect(accepted == 256 + 65_536)
    }

    @Test func refusesEveryByteOutsideTheAlphabet() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        for byte in UInt8.min...UInt8.max where !alphabet.contains(byte) {
            for position in 0..<4 {
                var bytes = Array("Zm9v".utf8)
                bytes[position] = byte
                #expect(Base64URL.decode(bytes) == nil, "byte \(byte) at \(position)")
            }
        }
    }

    /// The decoder the fast one must agree with: one character at a time, six bits each, and the bits left over
    /// at the end must be zero.
    private static func scalarDecode(_ input: [UInt8]) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        guard input.count % 4 != 1 else { return nil }
        var output: [UInt8] = []
        var bits: UInt32 = 0
        var bitCount: UInt32 = 0
        for character in input {
            guard let value = alphabet.firstIndex(of: character) else { return nil }
            bits = bits << 6 | UInt32(value)
            bitCount += 6
            if bitCount >= 8 {
                bitCount -= 8
                output.append(UInt8(truncatingIfNeeded: bits >> bitCount))
                bits &= (1 << bitCount) - 1
            }
        }
        return bits == 0 ? output : nil
    }

    /// Decodes `input` into a buffer 16 bytes longer than the decoded length, the extra bytes all 0xA5 beforehand:
    /// the decoded bytes (nil when refused), and whether the extra bytes are still untouched.
    private static func decodeIntoGuardedBuffer(_ input: [UInt8]) -> (decoded: [UInt8]?, guardIntact: Bool) {
        let count = Base64URL.decodedCount(input.count) ?? 0
        var buffer = [UInt8](repeating: 0xA5, count: count + 16)
        let accepted = input.withUnsafeBytes { source in
            buffer.withUnsafeMutableBufferPointer { Base64URL.decode(source, into: $0.baseAddress!) }
        }
        return (accepted ? Array(buffer[..<count]) : nil, buffer[count...].allSatisfy { $0 == 0xA5 })
    }

    /// Checks `input` against ``scalarDecode(_:)``, through every entry point; nothing is written past the output.
    private static func expectAgreement(_ input: [UInt8], sourceLocation: SourceLocation = #_sourceLocation) {
        let expected = scalarDecode(input)
        #expect(Base64URL.decode(input) == expected, "\(input)", sourceLocation: sourceLocation)
        let guarded = decodeIntoGuardedBuffer(input)
        #expect(guarded.decoded == expected, "\(input)", sourceLocation: sourceLocation)
        #expect(guarded.guardIntact, "wrote past the output: \(input)", sourceLocation: sourceLocation)
    }

    @Test(.bug(id: 18, "the IV, ciphertext and tag of a token are decoded into one buffer"))
    func agreesWithAScalarDecoderOnEveryLengthUpTo40() {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var generator = SeededGenerator(seed: 18)
        for length in 0...40 {
            for _ in 0..<200 {
                // Any characters of the alphabet: most of these have non-zero trailing bits.
                Self.expectAgreement((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
                // Any bytes at all, mostly of the alphabet.
                Self.expectAgreement(
                    (0..<length).map { _ in
                        Int.random(in: 0..<8, using: &generator) == 0
                            ? UInt8.random(in: 0...255, using: &generator) : alphabet.randomElement(using: &generator)!
                    }
                )
            }
            guard let count = Base64URL.decodedCount(length) else { continue }
            for _ in 0..<50 {
                // The encoding of random bytes: canonical, so accepted.
                let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
                let encoded = Array(Base64URL.encode(bytes).utf8)
                #expect(encoded.count == length)
                #expect(Self.scalarDecode(encoded) == bytes)
                Self.expectAgreement(encoded)
            }
        }
    }

    @Test(.bug(id: 18, "the IV, ciphertext and tag of a token are decoded into one buffer"))
    func refusesEveryByteOutsideTheAlphabetAtEveryPositionOfEveryLength() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var generator = SeededGenerator(seed: 7515)
        for length in 0...40 {
            guard let count = Base64URL.decodedCount(length) else { continue }
            let valid = Array(Base64URL.encode((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }).utf8)
            for position in valid.indices {
                for byte in UInt8.min...UInt8.max where !alphabet.contains(byte) {
                    var bytes = valid
                    bytes[position] = byte
                    #expect(Base64URL.decode(bytes) == nil, "byte \(byte) at \(position) of \(length)")
                    let guarded = Self.decodeIntoGuardedBuffer(bytes)
                    #expect(guarded.decoded == nil && guarded.guardIntact, "byte \(byte) at \(position) of \(length)")
                }
            }
        }
    }
}
