#if Vapor
public import JWTAuth
import NIOCore
public import Vapor

extension JWTAuthError {
    /// The error's response: the JSON body `{"error": code, "msg": message}` with the code's status,
    /// `WWW-Authenticate` (RFC 6750) naming `realm` on 401 and 403, and `Retry-After` when it has one.
    public func response(realm: String) -> Response {
        var headers = HTTPHeaders([("Content-Type", Self.contentType)])
        for field in headerFields(realm: realm) { headers.replaceOrAdd(name: field.name, value: field.value) }
        return Response(status: HTTPResponseStatus(statusCode: code.statusCode), headers: headers, body: .init(buffer: ByteBuffer(bytes: bodyBytes)))
    }
}

/// A `JWTAuthError` thrown from a route answers with its status and `WWW-Authenticate` even under
/// Vapor's own `ErrorMiddleware`; ``JWTErrorMiddleware`` also gives it its JSON body.
extension JWTAuthError: AbortError {
    public var status: HTTPResponseStatus { HTTPResponseStatus(statusCode: code.statusCode) }
    public var reason: String { message }
    public var headers: HTTPHeaders { HTTPHeaders(headerFields(realm: "jwt-auth").map { ($0.name, $0.value) }) }
}
#endif
