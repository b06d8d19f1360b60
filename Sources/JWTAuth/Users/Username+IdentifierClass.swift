import Foundation

extension Username {
    /// Which rule of RFC 8264's IdentifierClass (§9, with RFC 5892's contextual rules) the code point at
    /// `index` breaks, worded for the message "username must not contain …"; nil when it is allowed.
    ///
    /// The derived property is approximated with Swift's `Unicode.Scalar.Properties`: PVALID are ASCII
    /// printable characters other than space, and letters, digits and combining marks (Ll, Lu, Lo, Lm, Nd, Mn,
    /// Mc) with no compatibility decomposition; CONTEXTJ (the joiners) is refused outright; CONTEXTO follows
    /// RFC 5892's rules; everything else is DISALLOWED or UNASSIGNED. The checks run in an order that names
    /// the rule a person would recognise (a no-break space is "spaces", not "compatibility characters").
    static func brokenRule(_ scalars: [Unicode.Scalar], at index: Int) -> String? {
        let scalar = scalars[index]
        let value = scalar.value
        if (0x21...0x7E).contains(value) { return nil }
        if let allowed = contextualRule(scalars, at: index) { return allowed ? nil : "\(codePoint(value)) in this position" }
        if pvalidExceptions.contains(value) { return nil }
        let properties = scalar.properties
        switch properties.generalCategory {
        case .spaceSeparator: return "spaces"
        case .lineSeparator, .paragraphSeparator: return "line or paragraph separators"
        case .unassigned: return "unassigned code points"
        case .privateUse, .surrogate: return "private-use characters"
        case .control: return "control characters"
        default: break
        }
        if bidiControls.contains(value) { return "bidirectional control characters" }
        if properties.isDefaultIgnorableCodePoint || properties.generalCategory == .format || properties.isNoncharacterCodePoint {
            return "invisible characters"
        }
        if disallowedExceptions.contains(value) { return "\(codePoint(value))" }
        if isOldHangulJamo(value) { return "conjoining Hangul jamo" }
        switch properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .otherLetter, .modifierLetter, .decimalNumber, .nonspacingMark, .spacingMark:
            break
        case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return "symbols other than ASCII ones"
        case .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation, .initialPunctuation,
            .finalPunctuation, .otherPunctuation:
            return "punctuation other than ASCII"
        default:
            return "\(codePoint(value)) (only letters, digits and ASCII punctuation)"
        }
        if hasCompatibilityDecomposition(scalar) { return "compatibility characters such as ligatures or styled letters" }
        return nil
    }

    /// RFC 5892's CONTEXTO rules (Appendix A.3–A.9): true or false for a contextual code point, nil for any other.
    private static func contextualRule(_ scalars: [Unicode.Scalar], at index: Int) -> Bool? {
        let value = scalars[index].value
        let before = index > 0 ? scalars[index - 1].value : nil
        let after = index + 1 < scalars.count ? scalars[index + 1].value : nil
        switch value {
        case 0x00B7:  // MIDDLE DOT: between two l (Catalan l·l)
            return before == 0x6C && after == 0x6C
        case 0x0375:  // GREEK LOWER NUMERAL SIGN: followed by Greek
            return after.map(isGreek) ?? false
        case 0x05F3, 0x05F4:  // HEBREW PUNCTUATION GERESH and GERSHAYIM: after Hebrew
            return before.map { (0x0590...0x05FF).contains($0) } ?? false
        case 0x30FB:  // KATAKANA MIDDLE DOT: with Hiragana, Katakana or Han somewhere in the name
            return scalars.contains { $0.value != 0x30FB && isJapanese($0.value) }
        case 0x0660...0x0669:  // ARABIC-INDIC DIGITS: not mixed with extended Arabic-Indic digits
            return !scalars.contains { (0x06F0...0x06F9).contains($0.value) }
        case 0x06F0...0x06F9:
            return !scalars.contains { (0x0660...0x0669).contains($0.value) }
        default:
            return nil
        }
    }

    /// RFC 8264 §9.6's PVALID exceptions outside the letters and digits (ß and ς are letters anyway).
    private static let pvalidExceptions: Set<UInt32> = [0x06FD, 0x06FE, 0x0F0B, 0x3007]
    /// RFC 8264 §9.6's DISALLOWED exceptions: letters that only lengthen or repeat another.
    private static let disallowedExceptions: Set<UInt32> = [0x0640, 0x07FA, 0x302E, 0x302F, 0x3031, 0x3032, 0x3033, 0x3034, 0x3035, 0x303B]
    /// The bidirectional formatting characters: embeddings, overrides, isolates and marks.
    private static let bidiControls: Set<UInt32> = [
        0x061C, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
    ]

    private static func isOldHangulJamo(_ value: UInt32) -> Bool {
        (0x1100...0x11FF).contains(value) || (0xA960...0xA97F).contains(value) || (0xD7B0...0xD7FF).contains(value)
    }

    private static func isGreek(_ value: UInt32) -> Bool {
        (0x0370...0x03FF).contains(value) || (0x1F00...0x1FFF).contains(value)
    }

    private static func isJapanese(_ value: UInt32) -> Bool {
        (0x3040...0x30FF).contains(value) || (0x3400...0x4DBF).contains(value) || (0x4E00...0x9FFF).contains(value)
            || (0x20000...0x3FFFF).contains(value) || value == 0x3005 || value == 0x3006
    }

    /// HasCompat of RFC 8264 §9.17: the code point's NFKC form is another string.
    private static func hasCompatibilityDecomposition(_ scalar: Unicode.Scalar) -> Bool {
        let text = String(scalar)
        return !text.precomposedStringWithCompatibilityMapping.unicodeScalars.elementsEqual(text.unicodeScalars)
    }

    private static func codePoint(_ value: UInt32) -> String {
        let hex = String(value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }
}
