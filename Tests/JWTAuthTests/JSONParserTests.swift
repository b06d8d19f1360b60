import JWTAuth
import Testing

@Suite struct JSONParserTests {
    static func parse(_ text: String, maximumDepth: Int = 32) throws(JSONParser.Failure) -> JSONValue {
        try JSONParser(maximumDepth: maximumDepth).parse(Array(text.utf8))
    }

    // MARK: valid

    @Test(
        arguments: [
            ("{}", [:]), ("[]", []), ("0", 0), ("-0", 0), ("1", 1), ("-1", -1), ("\"\"", ""), ("true", true), ("false", false),
            ("null", nil), (" \t\r\n{ \"a\" : [ 1 , 2 ] }\n ", ["a": [1, 2]]),
            (#"{"a":[1,2.5,-3,true,false,null,"x",{}],"b":{"c":{}}}"#, ["a": [1, 2.5, -3, true, false, nil, "x", [:]], "b": ["c": [:]]]),
            (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{8}\u{C}\n\r\t"), (#""\u00e9\u00E9é""#, "ééé"), (#""\ud83d\ude00😀""#, "😀😀"),
            (#""\u0000""#, "\u{0}"), (#""\u2028""#, "\u{2028}"), (#""\uFFFF""#, "\u{FFFF}"),
            (#"{"":1}"#, ["": 1]), (#"{"a\u0000b":1}"#, ["a\u{0}b": 1]),
        ] as [(String, JSONValue)]
    )
    func parsesValidJSON(text: String, value: JSONValue) throws {
        #expect(try Self.parse(text) == value)
    }

    @Test(
        arguments: [
            ("9223372036854775807", .int(.max)), ("-999999999999999999", .int(-999_999_999_999_999_999)),
            ("9223372036854775808", .double(9_223_372_036_854_775_808)), ("-9223372036854775808", .int(.min)),
            ("-1000000000000000000", .int(-1_000_000_000_000_000_000)), ("-9223372036854775809", .double(-9.223_372_036_854_775_808e18)),
            ("-0", .int(0)), ("99999999999999999999", .double(1e20)),
            ("123456789012345678901234567890", .double(1.2345678901234568e29)), ("1.0", .double(1)), ("1e2", .double(100)),
            ("1E+2", .double(100)), ("1e-2", .double(0.01)), ("-0.0", .double(-0.0)), ("0.5", .double(0.5)), ("1767225600", .int(1_767_225_600)),
            ("1767225600.25", .double(1_767_225_600.25)), ("1e300", .double(1e300)), ("4.9e-324", .double(.leastNonzeroMagnitude)),
        ] as [(String, JSONValue)]
    )
    func numbersAreIntegersWhenIntegralAndInRange(text: String, value: JSONValue) throws {
        #expect(try Self.parse(text) == value)
    }

    // MARK: invalid

    @Test(arguments: [
        "", " ", "{", "}", "[", "]", "[1,]", "[,1]", "{\"a\":1,}", "{,}", "{\"a\"}", "{\"a\" 1}", "{a:1}", "{'a':1}", "['a']", "{1:1}",
        "01", "-", "+1", ".5", "1.", "1.e1", "1e", "1e+", "--1", "0x10", "NaN", "Infinity", "-Infinity", "1e400", "-1e400",
        "tru", "truee", "nul", "True", "NULL", "\"abc", "\"\\\"", "\"\\x\"", "\"\\u12\"", "\"\\u12G4\"", "\"\\U0041\"", "\"\t\"", "\"\n\"",
        "\"\u{1F}\"", "1 2", "{} {}", "[1] x", "{}}", "[[]", "// c\n1", "/* c */1", "\u{FEFF}1", "\u{0B}1", "\u{0C}1", "\u{A0}1",
        "[1,\n]", "{\"a\":1 \"b\":2}",
    ])
    func refusesInvalidJSON(text: String) {
        #expect(throws: JSONParser.Failure.self) { try Self.parse(text) }
    }

    @Test(
        arguments: [
            [0x22, 0xFF, 0x22], [0x22, 0xC3, 0x28, 0x22], [0x22, 0xC0, 0xAF, 0x22], [0x22, 0xED, 0xA0, 0x80, 0x22],
            [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22],
            [0x22, 0xE2, 0x82, 0x22], [0x22, 0x80, 0x22], [0x22, 0xF8, 0x88, 0x80, 0x80, 0x80, 0x22], [0xFF], [0xEF, 0xBB, 0xBF, 0x31],
            Array(#"{"a\"#.utf8) + [0xFF] + Array(#"":1}"#.utf8), Array(#""\u00e9"#.utf8) + [0xC3] + Array("\"".utf8),
        ] as [[UInt8]]
    )
    func refusesInvalidUTF8(bytes: [UInt8]) {
        let error = #expect(throws: JSONParser.Failure.self) { try JSONParser().parse(bytes) }
        #expect(error != nil)
    }

    @Test(arguments: [#""\ud800""#, #""\udc00""#, #""\ud800\u0041""#, #""\ud800\ud800""#, #""\udfff\ud800""#, #""\ud800x""#, #""\ud800\""#])
    func refusesLoneSurrogates(text: String) {
        let error = #expect(throws: JSONParser.Failure.self) { try Self.parse(text) }
        #expect(error?.description.contains("surrogate") == true || error?.description.contains("escape") == true)
    }

    // MARK: duplicates and depth

    @Test(arguments: [
        #"{"a":1,"a":1}"#, #"{"a":1,"b":2,"a":3}"#, #"{"a":1,"\u0061":2}"#, #"{"\/":1,"/":2}"#, #"{"é":1,"e\u0301":2}"#,
        #"{"x":{"a":1,"a":2}}"#, #"[{"a":1,"a":2}]"#,
    ])
    func refusesDuplicateMemberNames(text: String) {
        let error = #expect(throws: JSONParser.Failure.self) { try Self.parse(text) }
        #expect(error?.description == "Duplicate member name")
    }

    @Test func sameNameInDifferentObjectsIsFine() throws {
        #expect(try Self.parse(#"{"a":{"a":1},"b":[{"a":2},{"a":3}]}"#) == ["a": ["a": 1], "b": [["a": 2], ["a": 3]]])
    }

    @Test(arguments: [1, 2, 32, 100])
    func depthLimitIsExact(limit: Int) throws {
        for (open, close) in [("[", "]"), ("{\"k\":", "}")] {
            let atLimit = String(repeating: open, count: limit) + "0" + String(repeating: close, count: limit)
            _ = try Self.parse(atLimit, maximumDepth: limit)
            let over = String(repeating: open, count: limit + 1) + "0" + String(repeating: close, count: limit + 1)
            let error = #expect(throws: JSONParser.Failure.self) { try Self.parse(over, maximumDepth: limit) }
            #expect(error?.description == "JSON nested too deeply")
        }
        #expect(try Self.parse("1", maximumDepth: 0) == 1)
    }

    @Test(arguments: [10_000, 100_000, 1_000_000])
    func veryDeepNestingFailsWithoutExhaustingTheStack(depth: Int) {
        for (open, close) in [("[", "]"), ("{\"a\":", "}"), ("[", "")] {
            let text = String(repeating: open, count: depth) + String(repeating: close, count: depth)
            let error = #expect(throws: JSONParser.Failure.self) { try Self.parse(text) }
            #expect(error?.description == "JSON nested too deeply")
        }
    }

    @Test func failuresNeverRepeatTheText() {
        for text in [#"{"secret-LEAK":1,"secret-LEAK":2}"#, #"{"a":"LEAK"#, "LEAK", #"["LEAK"x]"#, #"{"a":LEAK}"#] {
            let error = #expect(throws: JSONParser.Failure.self) { try Self.parse(text) }
            #expect(error.map { !$0.description.contains("LEAK") } == true)
        }
    }

    // MARK: writer

    @Test func writerEscapesWhatJSONRequires() throws {
        let text = "q\"b\\s/n\nr\rt\tb\u{8}f\u{C}z\u{0}u\u{1F}d\u{7F}é😀\u{2028}"
        let encoded = String(decoding: JSONWriter.encode(.string(text)), as: UTF8.self)
        #expect(encoded == #""q\"b\\s/n\nr\rt\tb\u0008f\u000cz\u0000u\u001fd\u007fé😀"# + "\u{2028}\"")
        #expect(try Self.parse(encoded) == .string(text))
    }

    @Test func writerOutputIsCompactAndSortedOnRequest() {
        let value: JSONValue = ["b": [1, "x", nil, true], "a": ["d": 2.5, "c": false], "": -7]
        #expect(value.description == #"{"":-7,"a":{"c":false,"d":2.5},"b":[1,"x",null,true]}"#)
        #expect(String(decoding: JSONWriter.encode(value, sortedKeys: true), as: UTF8.self) == value.description)
    }

    @Test(
        arguments: [
            (.int(0), "0"), (.int(-1), "-1"), (.int(.max), "9223372036854775807"), (.int(.min), "-9223372036854775808"),
            (.double(2), "2"), (.double(-2.5), "-2.5"), (.double(1e15), "1000000000000000.0"), (.double(1e16), "1e+16"), (.double(0.1), "0.1"),
            (.double(.nan), "null"),
            (.double(.infinity), "null"), (.double(1_767_225_600.5), "1767225600.5"),
        ] as [(JSONValue, String)]
    )
    func writerNumbers(value: JSONValue, text: String) {
        #expect(String(decoding: JSONWriter.encode(value), as: UTF8.self) == text)
    }

    /// A random JSON value, `depth` levels at most.
    static func randomValue(depth: Int, using generator: inout SeededGenerator) -> JSONValue {
        let scalars: [Unicode.Scalar] = ["a", "\"", "\\", "/", "\n", "\u{0}", "\u{1F}", "\u{7F}", "é", "😀", "\u{2028}", "\u{FFFD}", " "]
        switch Int.random(in: 0..<(depth > 0 ? 9 : 6), using: &generator) {
        case 0: return nil
        case 1: return .bool(Bool.random(using: &generator))
        case 2: return .int(Int64.random(in: .min ... .max, using: &generator))
        case 3: return .double(Double.random(in: -1e9...1e9, using: &generator) + 0.5)
        case 4, 5:
            let count = Int.random(in: 0..<8, using: &generator)
            return .string(String(String.UnicodeScalarView((0..<count).map { _ in scalars.randomElement(using: &generator)! })))
        case 6, 7:
            var members: [String: JSONValue] = [:]
            for index in 0..<Int.random(in: 0..<5, using: &generator) {
                members["k\(index)\(scalars.randomElement(using: &generator)!)"] = randomValue(depth: depth - 1, using: &generator)
            }
            return .object(members)
        default:
            return .array((0..<Int.random(in: 0..<5, using: &generator)).map { _ in randomValue(depth: depth - 1, using: &generator) })
        }
    }

    /// The value as it reads back: integral doubles under 10^15 are written, and so read, as integers.
    static func normalized(_ value: JSONValue) -> JSONValue {
        switch value {
        case .double(let double): Int64(exactly: double).map { abs(double) < 1e15 ? .int($0) : value } ?? value
        case .array(let elements): .array(elements.map(normalized))
        case .object(let members): .object(members.mapValues(normalized))
        default: value
        }
    }

    @Test func writerAndParserRoundTrip() throws {
        var generator = SeededGenerator(seed: 8259)
        for _ in 0..<2000 {
            let value = Self.randomValue(depth: 5, using: &generator)
            let compact = JSONWriter.encode(value)
            #expect(try JSONParser().parse(compact) == Self.normalized(value), "\(String(decoding: compact, as: UTF8.self))")
            #expect(try JSONParser().parse(JSONWriter.encode(value, sortedKeys: true)) == Self.normalized(value))
            #expect(compact.allSatisfy { $0 >= 0x20 || $0 > 0x7F }, "raw control character written")
        }
    }
}
