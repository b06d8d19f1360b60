// NFC and NFKC are not in FoundationEssentials; Foundation's are the only ones available to us.
import Foundation

/// A username under the PRECIS username profiles of RFC 8265.
///
/// ``value`` is the UsernameCasePreserved form, what is stored and shown: fullwidth and halfwidth forms
/// mapped to their decomposition (`ａｌｉｃｅ` is `alice`), NFC, only characters of the IdentifierClass of
/// RFC 8264 (letters, digits, combining marks and ASCII printable characters other than space), the bidi
/// rule of RFC 5893 when right-to-left characters occur, 1 to 64 code points. Beyond PRECIS, more than 4
/// combining marks on one character are refused. ``key`` is the UsernameCaseMapped form, under which names
/// are compared: `Alice` and `alice` are one account.
public struct Username: Sendable, Hashable {
    /// The UsernameCasePreserved form: what is stored and shown.
    public let value: String

    /// The most code points a username may have.
    public static let maximumLength = 64
    /// The most combining marks one character may carry.
    public static let maximumCombiningMarks = 4

    /// Prepares and enforces `raw` under UsernameCasePreserved.
    /// - Throws: `bad_request` naming the rule broken.
    public init(_ raw: String) throws(JWTAuthError) {
        let name = Self.widthMapped(raw).precomposedStringWithCanonicalMapping
        let scalars = Array(name.unicodeScalars)
        guard !scalars.isEmpty else { throw .badRequest("username must not be empty") }
        guard scalars.count <= Self.maximumLength else {
            throw .badRequest("username must be at most \(Self.maximumLength) characters")
        }
        for index in scalars.indices {
            if let rule = Self.brokenRule(scalars, at: index) { throw .badRequest("username must not contain \(rule)") }
        }
        try Self.checkCombiningMarks(scalars)
        try Self.checkBidiRule(scalars)
        value = name
    }

    /// The UsernameCaseMapped form, under which usernames are compared and looked up.
    public var key: String { Self.key(value) }

    /// The UsernameCaseMapped form of any string (stores call it with names as stored): width mapping, then
    /// lower case, then NFC. RFC 8265 asks for Unicode's toLowerCase; `lowercased()` is that mapping
    /// (the full, context-free lowercase mapping of the Unicode standard), an acceptable approximation of
    /// PRECIS's case mapping, which differs only for the final sigma, which we do not special-case.
    public static func key(_ name: String) -> String {
        widthMapped(name).precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
    }

    /// RFC 8265's width mapping: fullwidth and halfwidth code points (the Halfwidth and Fullwidth Forms
    /// block, and the ideographic space) become their decomposition mapping.
    static func widthMapped(_ name: String) -> String {
        guard name.unicodeScalars.contains(where: isWidthForm) else { return name }
        var result = String.UnicodeScalarView()
        for scalar in name.unicodeScalars {
            if isWidthForm(scalar) {
                result.append(contentsOf: String(scalar).decomposedStringWithCompatibilityMapping.unicodeScalars)
            } else {
                result.append(scalar)
            }
        }
        return String(result)
    }

    private static func isWidthForm(_ scalar: Unicode.Scalar) -> Bool {
        (0xFF01...0xFFEE).contains(scalar.value) || scalar.value == 0x3000
    }

    private static func checkCombiningMarks(_ scalars: [Unicode.Scalar]) throws(JWTAuthError) {
        var marks = 0
        for (index, scalar) in scalars.enumerated() {
            guard isCombiningMark(scalar) else {
                marks = 0
                continue
            }
            guard index > 0 else { throw .badRequest("username must not start with a combining mark") }
            marks += 1
            if marks > maximumCombiningMarks {
                throw .badRequest("username must not contain more than \(maximumCombiningMarks) combining marks on one character")
            }
        }
    }

    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }
}
