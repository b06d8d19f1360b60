import HTTPTypes
import HummingbirdTesting
import JWTAuthHummingbird
import NIOCore
import Testing

/// A request that carries a token in one of the places `TokenLocation` names.
struct TokenRequest: Sendable {
    var uri: String
    var method: HTTPRequest.Method
    var headers: HTTPFields = [:]
    var body: ByteBuffer?

    init(_ uri: String, method: HTTPRequest.Method = .get) {
        self.uri = uri
        self.method = method
    }

    /// This request with `token` where `location` looks for it: `Authorization: Bearer`, the access (or
    /// refresh) cookie, the `jwt` query parameter, or the JSON body's `access_token` (or `refresh_token`).
    func carrying(_ token: String, at location: TokenLocation, refresh: Bool = false) -> Self {
        var request = self
        switch location {
        case .headers: request.headers[.authorization] = "Bearer \(token)"
        case .cookies: request.addCookie(refresh ? "refresh_token_cookie" : "access_token_cookie", token)
        case .query: request.uri += (uri.contains("?") ? "&" : "?") + "jwt=\(token)"
        case .json: request.setJSON(#"{"\#(refresh ? "refresh_token" : "access_token")":"\#(token)"}"#)
        default: Issue.record("unknown location \(location)")
        }
        return request
    }

    /// This request with nothing at `location`, but well-formed: an empty JSON object for `.json`.
    func carryingNothing(at location: TokenLocation) -> Self {
        var request = self
        if location == .json { request.setJSON("{}") }
        return request
    }

    func with(_ name: HTTPField.Name, _ value: String) -> Self {
        var request = self
        request.headers.append(HTTPField(name: name, value: value))
        return request
    }

    func withCookie(_ name: String, _ value: String) -> Self {
        var request = self
        request.addCookie(name, value)
        return request
    }

    func withCSRF(_ value: String) -> Self { with(.csrfToken, value) }

    /// An `application/x-www-form-urlencoded` body.
    func withForm(_ text: String) -> Self { withBody(text, contentType: "application/x-www-form-urlencoded") }

    func withBody(_ text: String, contentType: String) -> Self {
        var request = self
        request.headers[.contentType] = contentType
        request.body = ByteBuffer(string: text)
        return request
    }

    func withMethod(_ method: HTTPRequest.Method) -> Self {
        var request = self
        request.method = method
        return request
    }

    mutating func setJSON(_ text: String) {
        headers[.contentType] = "application/json"
        body = ByteBuffer(string: text)
    }

    private mutating func addCookie(_ name: String, _ value: String) {
        if let existing = headers[.cookie] {
            headers[.cookie] = "\(existing); \(name)=\(value)"
        } else {
            headers[.cookie] = "\(name)=\(value)"
        }
    }
}

extension HTTPField.Name {
    static let csrfToken = Self("X-CSRF-TOKEN")!
}

extension TestClientProtocol {
    /// Sends `request` and returns the response.
    func send(_ request: TokenRequest) async throws -> TestResponse {
        try await execute(uri: request.uri, method: request.method, headers: request.headers, body: request.body)
    }
}
