import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The `WWW-Authenticate` challenge a response must carry (DESIGN.md, "Settled details").
enum Challenge: Sendable {
    /// No `WWW-Authenticate` at all (statuses other than 401 and 403).
    case none
    /// `Bearer realm="jwt-auth"`: no token was presented.
    case realm
    /// `error="invalid_token"` and the message: a token was presented and refused.
    case invalidToken
    /// `error="insufficient_scope"` and the message, on 403.
    case insufficientScope

    func header(message: String) -> String? {
        switch self {
        case .none: nil
        case .realm: #"Bearer realm="jwt-auth""#
        case .invalidToken: #"Bearer realm="jwt-auth", error="invalid_token", error_description="\#(message)""#
        case .insufficientScope: #"Bearer realm="jwt-auth", error="insufficient_scope", error_description="\#(message)""#
        }
    }
}

/// `{"error":"<code>","msg":"<message>"}` exactly, with JSON's escapes for `"` and `\`.
func errorBody(_ code: String, _ message: String) -> String {
    let escaped = message.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"")
    return #"{"error":"\#(code)","msg":"\#(escaped)"}"#
}

/// Checks an error response: status, exact JSON body, content type and `WWW-Authenticate`.
func expectError(
    _ response: TestResponse,
    _ status: HTTPResponse.Status,
    _ code: String,
    _ message: String,
    challenge: Challenge,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, sourceLocation: sourceLocation)
    #expect(String(buffer: response.body) == errorBody(code, message), sourceLocation: sourceLocation)
    #expect(response.headers[.contentType] == "application/json; charset=utf-8", sourceLocation: sourceLocation)
    #expect(response.headers[values: .wwwAuthenticate] == challenge.header(message: message).map { [$0] } ?? [], sourceLocation: sourceLocation)
}

/// Checks a `200 {"user": ...}` response from the fixture's routes.
func expectUser(_ response: TestResponse, _ user: String?, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(response.status == .ok, sourceLocation: sourceLocation)
    #expect(String(buffer: response.body) == (user.map { #"{"user":"\#($0)"}"# } ?? #"{"user":null}"#), sourceLocation: sourceLocation)
}

/// One `Set-Cookie` field, split into its value and attributes.
struct SetCookie: Sendable, Equatable {
    var name: String
    var value: String
    /// Attribute names as sent (`HttpOnly`, `Max-Age`, …) to their values (`""` for flags).
    var attributes: [String: String]

    init?(_ field: String) {
        let parts = field.split(separator: ";").map { $0.trimmingPrefix(" ") }
        guard let first = parts.first, let equals = first.firstIndex(of: "=") else { return nil }
        name = String(first[..<equals])
        value = String(first[first.index(after: equals)...])
        attributes = [:]
        for part in parts.dropFirst() {
            let pair = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            attributes[String(pair[0])] = pair.count > 1 ? String(pair[1]) : ""
        }
    }

    func has(_ attribute: String) -> Bool { attributes[attribute] != nil }
}

/// The cookies a response sets, by name (each name must be set at most once).
func setCookies(_ fields: HTTPFields, sourceLocation: SourceLocation = #_sourceLocation) -> [String: SetCookie] {
    var cookies: [String: SetCookie] = [:]
    for field in fields[values: .setCookie] {
        guard let cookie = SetCookie(field) else {
            Issue.record("unparsable Set-Cookie: \(field)", sourceLocation: sourceLocation)
            continue
        }
        #expect(cookies[cookie.name] == nil, "\(cookie.name) set twice", sourceLocation: sourceLocation)
        cookies[cookie.name] = cookie
    }
    return cookies
}
