import JWTAuth
import Testing

/// RFC 8265's username profiles (PRECIS): what is refused, what is mapped, and what compares equal.
@Suite struct UsernameTests {
    /// The look-alikes of issue 15 and their kin: each refused with `bad_request` naming the rule.
    @Test(
        .bug(id: 15, "look-alike usernames"),
        arguments: [
            ("alice\u{200B}", "invisible characters"),
            ("alice\u{200D}", "invisible characters"),
            ("alice\u{200C}", "invisible characters"),
            ("al\u{00AD}ice", "invisible characters"),
            ("alice\u{2060}", "invisible characters"),
            ("alice\u{FEFF}", "invisible characters"),
            ("\u{202E}nimda", "bidirectional control characters"),
            ("alice\u{2067}", "bidirectional control characters"),
            ("alice\u{200F}", "bidirectional control characters"),
            ("alice\u{061C}", "bidirectional control characters"),
            (" alice", "spaces"),
            ("alice ", "spaces"),
            ("   ", "spaces"),
            ("al ice", "spaces"),
            ("alice\u{00A0}", "spaces"),
            ("alice\u{3000}", "spaces"),
            ("a\u{2028}b", "line or paragraph separators"),
            ("a\u{2029}b", "line or paragraph separators"),
            ("alice\n", "control characters"),
            ("alice\u{7F}", "control characters"),
            ("alice\u{E000}", "private-use characters"),
            ("alice\u{0378}", "unassigned code points"),
            ("alice\u{1F642}", "symbols other than ASCII ones"),
            ("alice\u{2122}", "symbols other than ASCII ones"),
            ("alice\u{2013}", "punctuation other than ASCII"),
            ("\u{1D41A}lice", "compatibility characters such as ligatures or styled letters"),
            ("\u{FB01}sh", "compatibility characters such as ligatures or styled letters"),
            ("alice\u{0640}", "U+0640"),
            ("a\u{00B7}b", "U+00B7 in this position"),
        ]
    )
    func lookAlikeIsRefusedNamingTheRule(name: String, rule: String) {
        #expect(throws: JWTAuthError.badRequest("")) { try Username(name) }
        do {
            _ = try Username(name)
        } catch {
            #expect(error.message == "username must not contain \(rule)")
        }
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func manyCombiningMarksOnOneCharacterAreRefused() throws {
        let sixtyThree = "a" + String(repeating: "\u{0301}", count: 63)
        #expect(sixtyThree.unicodeScalars.count == 64)
        #expect(throws: JWTAuthError.badRequest("")) { try Username(sixtyThree) }
        do {
            _ = try Username(sixtyThree)
        } catch {
            #expect(error.message == "username must not contain more than 4 combining marks on one character")
        }
        // x has no precomposed form with an acute (NFC would fold an a's first mark into á).
        #expect(throws: JWTAuthError.badRequest("")) { try Username("x" + String(repeating: "\u{0301}", count: 5)) }
        // Four marks on each of two characters: allowed (Vietnamese and others stack two or three).
        let four = String(repeating: "\u{0323}\u{0302}\u{0301}\u{0300}", count: 1)
        #expect(throws: Never.self) { try Username("a\(four)b\(four)") }
        #expect(throws: JWTAuthError.badRequest("")) { try Username("\u{0301}alice") }
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func fullwidthFormsMapToTheirLetters() throws {
        #expect(try Username("ａｌｉｃｅ").value == "alice")
        #expect(try Username("ＡＬＩＣＥ").key == "alice")
        // Halfwidth katakana become katakana (then NFC joins the voiced mark).
        #expect(try Username("ｶﾞ").value == "\u{30AC}")
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func caseIsPreservedAndMappedForComparison() throws {
        let name = try Username("Alice")
        #expect(name.value == "Alice")
        #expect(name.key == "alice")
        #expect(Username.key("ALICE") == Username.key("alice"))
        #expect(try Username("Zoë").key == Username.key("ZOË"))
        #expect(try Username("Zoe\u{0308}").value == "Zo\u{00EB}", "NFC")
        #expect(Username.key("ß") == "ß" && Username.key("Σ") == "σ")
    }

    @Test func ordinaryNamesAreAccepted() throws {
        for name in [
            "alice", "Bob_Smith-2", "o'brien", "user@example.com", "名前", "Zoë", "Łukasz", "Ελένη", "Влад", "김민준", "l\u{00B7}l",
            "שלום", "محمد", "محمد٣", "a!#$%&*+/=?^`{|}~", String(repeating: "x", count: 64),
        ] {
            #expect(throws: Never.self, "\(name)") { try Username(name) }
        }
    }

    @Test func lengthIsOneToSixtyFourCodePoints() {
        #expect(throws: JWTAuthError.badRequest("")) { try Username("") }
        #expect(throws: JWTAuthError.badRequest("")) { try Username(String(repeating: "x", count: 65)) }
        #expect(throws: Never.self) { try Username(String(repeating: "名", count: 64)) }
    }

    /// RFC 5893: a name with right-to-left characters is right-to-left throughout.
    @Test(arguments: ["שלוםabc", "abcשלום", "1שלום", "שלום-", "محمد٣3"])
    func bidiRuleRefusesMixedDirections(name: String) {
        #expect(throws: JWTAuthError.badRequest("")) { try Username(name) }
    }

    @Test func contextualRulesOfRFC5892() {
        #expect(throws: Never.self) { try Username("l\u{00B7}l") }
        #expect(throws: JWTAuthError.badRequest("")) { try Username("\u{00B7}l") }
        #expect(throws: Never.self) { try Username("\u{30A2}\u{30FB}\u{30A4}") }
        #expect(throws: JWTAuthError.badRequest("")) { try Username("a\u{30FB}b") }
        #expect(throws: JWTAuthError.badRequest("")) { try Username("\u{0661}\u{06F1}") }
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func clashesAmongExistingNamesAreFoundByKey() {
        let distinct: [(id: String, username: String)] = [("1", "alice"), ("2", "bob")]
        #expect(UsernameClash(users: distinct) == nil)
        let users: [(id: String, username: String)] = [("1", "Bob"), ("2", "alice"), ("3", "bob"), ("4", "ＢＯＢ"), ("5", "Alice")]
        let clash = UsernameClash(users: users)
        #expect(clash?.groups == [["1", "3", "4"], ["2", "5"]])
        #expect(clash?.description.contains("users 1, 3, 4; users 2, 5") == true)
        #expect(clash?.description.contains("jwt-auth users rename") == true)
    }
}
