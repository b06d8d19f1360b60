public import HTTPTypes
public import Hummingbird
public import JWTAuth
import NIOCore

extension JWTAuthError.Code {
    /// The HTTP status of the code (``JWTAuth/JWTAuthError/Code/statusCode``), with its reason phrase.
    public var status: HTTPResponse.Status {
        let code = statusCode
        return Self.statuses.first { $0.code == code } ?? HTTPResponse.Status(code: code)
    }

    /// Every status of the error table, for their reason phrases.
    private static let statuses: [HTTPResponse.Status] = [
        .badRequest, .unauthorized, .forbidden, .notFound, .methodNotAllowed, .conflict, .contentTooLarge,
        .unsupportedMediaType, .tooManyRequests, .internalServerError, .serviceUnavailable,
    ]
}

extension JWTAuthError: HTTPResponseError {
    public var status: HTTPResponse.Status { code.status }

    /// The JSON body `{"error": code, "msg": message}` with the code's ``JWTAuth/JWTAuthError/Code/status`` and, on 401 and 403,
    /// `WWW-Authenticate` per RFC 6750.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(realm: "jwt-auth")
    }

    /// The error's response, naming `realm` in `WWW-Authenticate`.
    public func response(realm: String, headers extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [.contentType: Self.contentType]
        for field in headerFields(realm: realm) {
            if let name = HTTPField.Name(field.name) { headers[name] = field.value }
        }
        headers.append(contentsOf: extra)
        return Response(status: code.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bodyBytes)))
    }
}
