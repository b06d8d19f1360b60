public import HTTPTypes
public import Hummingbird
public import JWTAuth
import NIOCore

extension JWTAuthError.Code {
    /// The HTTP status of the code: 400, 403, 404, 405, 409, 413, 415, 429 or 503 where the code says so,
    /// 500 for a key or configuration fault, 401 for every other (token and credential) failure.
    public var status: HTTPResponse.Status {
        switch self {
        case .insufficientScope, .forbidden: .forbidden
        case .rateLimited: .tooManyRequests
        case .badRequest: .badRequest
        case .conflict: .conflict
        case .payloadTooLarge: .contentTooLarge
        case .unsupportedMediaType: .unsupportedMediaType
        case .notFound: .notFound
        case .methodNotAllowed: .methodNotAllowed
        case .unavailable: .serviceUnavailable
        case .invalidKey, .invalidConfiguration, .internalError: .internalServerError
        default: .unauthorized
        }
    }

    /// Whether the error concerns a token the client presented (RFC 6750 `error="invalid_token"`).
    /// `invalid_header` does not: the `Authorization` field held no usable bearer token (another scheme,
    /// or not one token), and RFC 6750 §3.1 gives no error code to a request without one.
    var concernsPresentedToken: Bool {
        switch self {
        case .invalidToken, .tokenExpired, .tokenRevoked, .wrongTokenType, .freshTokenRequired, .csrfFailed, .userNotFound:
            true
        default: false
        }
    }
}

extension JWTAuthError: HTTPResponseError {
    public var status: HTTPResponse.Status { code.status }

    /// The JSON body `{"error": code, "msg": message}` with the code's ``JWTAuthError/Code/status`` and, on 401 and 403,
    /// `WWW-Authenticate` per RFC 6750.
    public func response(from request: Request, context: some RequestContext) throws -> Response {
        response(realm: "jwt-auth")
    }

    /// The error's response, naming `realm` in `WWW-Authenticate`.
    public func response(realm: String, headers extra: HTTPFields = [:]) -> Response {
        var body: [UInt8] = []
        JSONWriter.write(.object(["error": .string(code.description), "msg": .string(message)]), into: &body, sortedKeys: true)
        var headers: HTTPFields = [.contentType: "application/json; charset=utf-8"]
        if let challenge = wwwAuthenticate(realm: realm) { headers[.wwwAuthenticate] = challenge }
        if let retryAfter { headers[.retryAfter] = String(retryAfter) }
        headers.append(contentsOf: extra)
        return Response(status: code.status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The RFC 6750 challenge for this error, or nil when the status is neither 401 nor 403.
    public func wwwAuthenticate(realm: String) -> String? {
        switch code.status {
        case .unauthorized:
            var value = "Bearer realm=\"\(Self.quoted(realm))\""
            if code.concernsPresentedToken {
                value += ", error=\"invalid_token\", error_description=\"\(Self.quoted(message))\""
            }
            return value
        case .forbidden where code == .insufficientScope:
            return "Bearer realm=\"\(Self.quoted(realm))\", error=\"insufficient_scope\", error_description=\"\(Self.quoted(message))\""
        default:
            return nil
        }
    }

    /// RFC 6750 §3: a quoted-string of %x20-21 / %x23-5B / %x5D-7E; anything else becomes `?`.
    static func quoted(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    (0x20...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? scalar : "?"
                }
            )
        )
    }
}
