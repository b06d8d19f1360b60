/// How every HTTP adapter answers a `JWTAuthError`: its status code, its RFC 6750 `WWW-Authenticate` challenge
/// and its JSON body, as plain values that each framework turns into its own response.
extension JWTAuthError.Code {
    /// The HTTP status code: 400, 403, 404, 405, 409, 413, 415, 429 or 503 where the code says so,
    /// 500 for a key or configuration fault, 401 for every other (token and credential) failure.
    public var statusCode: Int {
        switch self {
        case .insufficientScope, .forbidden: 403
        case .rateLimited: 429
        case .badRequest: 400
        case .conflict: 409
        case .payloadTooLarge: 413
        case .unsupportedMediaType: 415
        case .notFound: 404
        case .methodNotAllowed: 405
        case .unavailable: 503
        case .invalidKey, .invalidConfiguration, .internalError: 500
        default: 401
        }
    }

    /// Whether the error concerns a token the client presented (RFC 6750 `error="invalid_token"`).
    /// `invalid_header` does not: the `Authorization` field held no usable bearer token (another scheme,
    /// or not one token), and RFC 6750 §3.1 gives no error code to a request without one.
    package var concernsPresentedToken: Bool {
        switch self {
        case .invalidToken, .tokenExpired, .tokenRevoked, .wrongTokenType, .freshTokenRequired, .csrfFailed, .userNotFound:
            true
        default: false
        }
    }
}

extension JWTAuthError {
    /// The JSON body of an error response: `{"error": code, "msg": message}`.
    public struct Body: Codable, Sendable, Hashable {
        /// The error's code (``JWTAuthError/Code``).
        public var error: String
        /// The error's message.
        public var msg: String

        public init(error: String, msg: String) {
            self.error = error
            self.msg = msg
        }
    }

    /// The error's JSON body.
    public var body: Body { Body(error: code.description, msg: message) }

    /// The error's JSON body as UTF-8 bytes, members sorted: `{"error":"…","msg":"…"}`.
    public var bodyBytes: [UInt8] {
        var bytes: [UInt8] = []
        JSONWriter.write(.object(["error": .string(code.description), "msg": .string(message)]), into: &bytes, sortedKeys: true)
        return bytes
    }

    /// The `Content-Type` of ``bodyBytes``.
    public static let contentType = "application/json; charset=utf-8"

    /// The RFC 6750 challenge for this error, or nil when the status is neither 401 nor 403.
    public func wwwAuthenticate(realm: String) -> String? {
        switch code.statusCode {
        case 401:
            var value = "Bearer realm=\"\(Self.quoted(realm))\""
            if code.concernsPresentedToken {
                value += ", error=\"invalid_token\", error_description=\"\(Self.quoted(message))\""
            }
            return value
        case 403 where code == .insufficientScope:
            return "Bearer realm=\"\(Self.quoted(realm))\", error=\"insufficient_scope\", error_description=\"\(Self.quoted(message))\""
        default:
            return nil
        }
    }

    /// The response fields of this error besides `Content-Type`: `WWW-Authenticate` on 401 and 403,
    /// `Retry-After` when the error has one.
    public func headerFields(realm: String) -> [(name: String, value: String)] {
        var fields: [(name: String, value: String)] = []
        if let challenge = wwwAuthenticate(realm: realm) { fields.append(("WWW-Authenticate", challenge)) }
        if let retryAfter { fields.append(("Retry-After", String(retryAfter))) }
        return fields
    }

    /// `error` itself when it is a `JWTAuthError`; any other error (a store that failed) as `unavailable`
    /// (503), so that a request fails closed.
    public static func failingClosed(_ error: any Error) -> JWTAuthError {
        (error as? JWTAuthError) ?? .unavailable()
    }

    /// The error for an HTTP status that a framework or a handler produced (its own 404, 405, 413, …), with
    /// the framework's `message` where there is one. A status the table has no code for keeps the nearest code:
    /// `internal_error` from 500 on, `bad_request` below.
    package static func forStatus(_ status: Int, message: String?, reasonPhrase: String) -> JWTAuthError {
        switch status {
        case 404: JWTAuthError(code: .notFound, message: "The requested URL was not found on the server.")
        case 405: JWTAuthError(code: .methodNotAllowed, message: "The method is not allowed for the requested URL.")
        case 413: .payloadTooLarge
        case 415: .unsupportedMediaType
        case 400: .badRequest(message ?? "Bad request")
        case 409: .conflict(message ?? "Conflict")
        case 401: .missingToken(message ?? "Missing Authorization Header")
        case 403: .forbidden(message ?? "Forbidden")
        case 429: .rateLimited(message ?? "Too many attempts")
        case 503: .unavailable(message ?? "Service unavailable")
        default:
            status >= 500 ? JWTAuthError(code: .internalError, message: "Internal server error") : .badRequest(message ?? reasonPhrase)
        }
    }

    /// RFC 6750 §3: a quoted-string of %x20-21 / %x23-5B / %x5D-7E; anything else becomes `?`.
    package static func quoted(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    (0x20...0x7E).contains(scalar.value) && scalar != "\"" && scalar != "\\" ? scalar : "?"
                }
            )
        )
    }
}
