public import Hummingbird

/// The media type of a request's `Content-Type`, compared exactly (RFC 9110 §8.3.1): the type and
/// subtype before any parameter, case-insensitively, so that `application/json; charset=utf-8` is
/// JSON and `application/jsonp` or `application/json-seq` are not.
public enum MediaType {
    /// The lowercased `type/subtype` of `request`'s `Content-Type`, without parameters; nil without one.
    public static func of(_ request: Request) -> String? {
        guard let value = request.headers[.contentType] else { return nil }
        let essence = value.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
        return essence.trimmingWhitespace().lowercased()
    }

    /// The lowercased values of the `charset` parameters of `request`'s `Content-Type` (quotes removed),
    /// in order; empty when there is none.
    public static func charsets(of request: Request) -> [String] {
        guard let value = request.headers[.contentType] else { return [] }
        return value.split(separator: ";", omittingEmptySubsequences: false).dropFirst().compactMap { parameter in
            let pair = parameter.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pair.count == 2, pair[0].trimmingWhitespace().lowercased() == "charset" else { return nil }
            var charset = pair[1].trimmingWhitespace()
            if charset.count >= 2, charset.first == "\"", charset.last == "\"" { charset = charset.dropFirst().dropLast() }
            return charset.lowercased()
        }
    }

    /// Whether `request`'s `Content-Type` is `type` (lowercase, no parameters) in UTF-8: bodies are read
    /// as UTF-8, so a `charset` parameter other than `utf-8` (say `utf-16`) does not match; none does.
    public static func matches(_ request: Request, _ type: String) -> Bool {
        of(request) == type && charsets(of: request).allSatisfy { $0 == "utf-8" }
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
