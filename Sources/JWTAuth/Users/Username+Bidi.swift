extension Username {
    /// The bidirectional classes the bidi rule tells apart (Unicode's Bidi_Class, UAX #9).
    enum BidiClass: Equatable {
        case leftToRight, rightToLeft, arabicLetter, europeanNumber, arabicNumber
        case europeanSeparator, commonSeparator, europeanTerminator, otherNeutral, nonspacingMark
    }

    /// RFC 5893's bidi rule, which RFC 8265 applies to names holding right-to-left characters (classes R,
    /// AL or AN): such a name starts with R or AL, holds only R, AL, AN, EN, ES, CS, ET, ON and NSM, ends
    /// with R, AL, EN or AN (then any NSM), and does not mix EN and AN. So a name is right-to-left or
    /// left-to-right throughout, never both, and cannot be displayed in a misleading order.
    /// - Throws: `bad_request` naming the rule.
    static func checkBidiRule(_ scalars: [Unicode.Scalar]) throws(JWTAuthError) {
        let classes = scalars.map(bidiClass)
        let rightToLeft: Set<BidiClass> = [.rightToLeft, .arabicLetter, .arabicNumber]
        guard classes.contains(where: rightToLeft.contains) else { return }
        let broken = JWTAuthError.badRequest(
            "username must not mix right-to-left and left-to-right characters: a right-to-left name starts with a"
                + " right-to-left letter and ends with one or a digit (the bidi rule of RFC 5893)"
        )
        guard classes.first == .rightToLeft || classes.first == .arabicLetter else { throw broken }
        guard !classes.contains(.leftToRight) else { throw broken }
        guard let last = classes.last(where: { $0 != .nonspacingMark }),
            [.rightToLeft, .arabicLetter, .europeanNumber, .arabicNumber].contains(last)
        else { throw broken }
        guard !(classes.contains(.europeanNumber) && classes.contains(.arabicNumber)) else {
            throw .badRequest("username must not mix European and Arabic-Indic digits")
        }
    }

    /// The bidi class of a code point the IdentifierClass allows (ASCII printable characters, letters,
    /// digits, marks), from the Unicode blocks of right-to-left scripts: Swift's Unicode properties do not
    /// include Bidi_Class.
    static func bidiClass(_ scalar: Unicode.Scalar) -> BidiClass {
        let value = scalar.value
        switch value {
        case 0x30...0x39, 0x06F0...0x06F9: return .europeanNumber
        case 0x2B, 0x2D: return .europeanSeparator
        case 0x2C, 0x2E, 0x2F, 0x3A: return .commonSeparator
        case 0x23...0x25: return .europeanTerminator
        case 0x21...0x7E where !(scalar.properties.isAlphabetic): return .otherNeutral
        case 0x0660...0x0669, 0x066B, 0x066C, 0x10E60...0x10E7E: return .arabicNumber
        default: break
        }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark {
            return .nonspacingMark
        }
        switch value {
        case 0x0600...0x07BF, 0x0860...0x08FF, 0xFB50...0xFDFF, 0xFE70...0xFEFF, 0x10D00...0x10D3F, 0x10F30...0x10F6F,
            0x1EC70...0x1ECBF, 0x1ED00...0x1ED4F, 0x1EE00...0x1EEFF:
            return .arabicLetter
        case 0x0590...0x05FF, 0x07C0...0x085F, 0xFB1D...0xFB4F, 0x10800...0x10FFF, 0x1E800...0x1EFFF:
            return .rightToLeft
        default:
            return .leftToRight
        }
    }
}
