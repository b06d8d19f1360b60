/// The media type of a `Content-Type` field value, compared exactly (RFC 9110 §8.3.1): the type and
/// subtype before any parameter, case-insensitively.
package enum ContentType {
    /// The lowercased `type/subtype` of `value`, without parameters.
    package static func essence(of value: String) -> String {
        let essence = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return essence.trimmingWhitespace().lowercased()
    }

    /// The lowercased values of the `charset` parameters of `value` (quotes removed), in order.
    package static func charsets(of value: String) -> [String] {
        value.split(separator: ";", omittingEmptySubsequences: false).dropFirst().compactMap { parameter in
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "charset" else { return nil }
            var charset = pair[1].trimmingWhitespace()
            if charset.count >= 2, charset.first == "\"", charset.last == "\"" { charset = charset.dropFirst().dropLast() }
            return charset.lowercased()
        }
    }

    /// Whether the field `value` is `type` (lowercase, no parameters) in UTF-8: a `charset` other than
    /// `utf-8` does not match; no field does not either.
    package static func matches(_ value: String?, _ type: String) -> Bool {
        guard let value else { return false }
        return essence(of: value) == type && charsets(of: value).allSatisfy { $0 == "utf-8" }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
