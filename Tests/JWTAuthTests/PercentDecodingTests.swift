import JWTAuth
import Testing

/// The one percent-decoder of form bodies and store URLs.
@Suite struct PercentDecodingTests {
    @Test(arguments: [
        ("a%20b", false, "a b"),
        ("a+b", false, "a+b"),
        ("a+b", true, "a b"),
        ("%C3%A9t%c3%a9", false, "été"),
        ("p%40ss%3Aword", false, "p@ss:word"),
        ("", false, ""),
    ])
    func decodes(text: String, plusAsSpace: Bool, expected: String) {
        #expect(PercentDecoding.decode(text, plusAsSpace: plusAsSpace) == expected)
    }

    /// A `%` must be followed by two hexadecimal digits (`%+1` is not `%01`), and the bytes must be UTF-8.
    @Test(arguments: ["%", "%4", "%zz", "%+1", "%-1", "a%2", "%ff", "%C3"])
    func refusesMalformedEscapesAndBytesThatAreNotUTF8(text: String) {
        #expect(PercentDecoding.decode(text) == nil)
    }
}
