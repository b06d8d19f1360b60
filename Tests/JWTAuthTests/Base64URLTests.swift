import JWTAuth
import Testing

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
}
