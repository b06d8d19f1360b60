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

    /// Whether `request`'s `Content-Type` is `type` (lowercase, no parameters).
    public static func matches(_ request: Request, _ type: String) -> Bool {
        of(request) == type
    }
}

extension Substring {
    fileprivate func trimmingWhitespace() -> Substring {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = firstIndex(where: { !isSpace($0) }), let last = lastIndex(where: { !isSpace($0) }) else { return "" }
        return self[first...last]
    }
}
