public import Hummingbird
import JWTAuthService

/// The media type of a request's `Content-Type`, compared exactly (RFC 9110 §8.3.1): the type and
/// subtype before any parameter, case-insensitively, so that `application/json; charset=utf-8` is
/// JSON and `application/jsonp` or `application/json-seq` are not.
public enum MediaType {
    /// The lowercased `type/subtype` of `request`'s `Content-Type`, without parameters; nil without one.
    public static func of(_ request: Request) -> String? {
        request.headers[.contentType].map(ContentType.essence(of:))
    }

    /// The lowercased values of the `charset` parameters of `request`'s `Content-Type` (quotes removed),
    /// in order; empty when there is none.
    public static func charsets(of request: Request) -> [String] {
        request.headers[.contentType].map(ContentType.charsets(of:)) ?? []
    }

    /// Whether `request`'s `Content-Type` is `type` (lowercase, no parameters) in UTF-8: bodies are read
    /// as UTF-8, so a `charset` parameter other than `utf-8` (say `utf-16`) does not match; none does.
    public static func matches(_ request: Request, _ type: String) -> Bool {
        ContentType.matches(request.headers[.contentType], type)
    }
}
