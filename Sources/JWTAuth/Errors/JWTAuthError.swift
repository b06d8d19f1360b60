/// The one error type of JWTAuth: a stable machine `code` and a message that is safe to show.
///
/// Equality compares codes only. No message ever holds a token, a key, a secret or a password.
public struct JWTAuthError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable machine code: the `error` member of the JSON error body.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        private init(_ description: String) { self.description = description }

        public static let missingToken = Self("missing_token")
        public static let invalidHeader = Self("invalid_header")
        public static let invalidToken = Self("invalid_token")
        public static let tokenExpired = Self("token_expired")
        public static let tokenRevoked = Self("token_revoked")
        public static let wrongTokenType = Self("wrong_token_type")
        public static let freshTokenRequired = Self("fresh_token_required")
        public static let csrfFailed = Self("csrf_failed")
        public static let userNotFound = Self("user_not_found")
        public static let insufficientScope = Self("insufficient_scope")
        public static let invalidCredentials = Self("invalid_credentials")
        public static let rateLimited = Self("rate_limited")
        public static let badRequest = Self("bad_request")
        public static let conflict = Self("conflict")
        public static let forbidden = Self("forbidden")
        public static let payloadTooLarge = Self("payload_too_large")
        public static let unsupportedMediaType = Self("unsupported_media_type")
        public static let notFound = Self("not_found")
        public static let methodNotAllowed = Self("method_not_allowed")
        public static let unavailable = Self("unavailable")
        /// An unexpected failure; its details are logged, never shown.
        public static let internalError = Self("internal_error")
        /// A key or configuration that cannot be used (weak secret, unsupported key type, bad PEM).
        public static let invalidKey = Self("invalid_key")
        /// A setting that cannot be used.
        public static let invalidConfiguration = Self("invalid_configuration")
    }

    public let code: Code
    public let message: String
    /// Seconds after which the request may succeed (HTTP `Retry-After`), for `rate_limited` and for an
    /// `unavailable` that will pass shortly; nil otherwise.
    public let retryAfter: Int?

    public init(code: Code, message: String, retryAfter: Int? = nil) {
        self.code = code
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "\(code): \(message)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }
}

extension JWTAuthError {
    public static func missingToken(_ message: String = "Missing Authorization Header") -> Self {
        Self(code: .missingToken, message: message)
    }
    public static func invalidHeader(_ message: String = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'") -> Self {
        Self(code: .invalidHeader, message: message)
    }
    public static func invalidToken(_ reason: String) -> Self { Self(code: .invalidToken, message: reason) }
    public static let tokenExpired = Self(code: .tokenExpired, message: "Token has expired")
    public static let tokenRevoked = Self(code: .tokenRevoked, message: "Token has been revoked")
    public static let refreshRequired = Self(code: .wrongTokenType, message: "Only refresh tokens are allowed")
    public static let accessRequired = Self(code: .wrongTokenType, message: "Only non-refresh tokens are allowed")
    public static let freshTokenRequired = Self(code: .freshTokenRequired, message: "Fresh token required")
    public static func csrfFailed(_ message: String) -> Self { Self(code: .csrfFailed, message: message) }
    public static func userNotFound(_ identity: String) -> Self {
        Self(code: .userNotFound, message: "Error loading the user \(identity)")
    }
    public static func insufficientScope(role: String) -> Self {
        Self(code: .insufficientScope, message: "Missing required role: \(role)")
    }
    public static func insufficientScope(_ message: String) -> Self { Self(code: .insufficientScope, message: message) }
    public static let invalidCredentials = Self(code: .invalidCredentials, message: "Bad username or password")
    public static func rateLimited(_ message: String = "Too many attempts") -> Self { Self(code: .rateLimited, message: message) }
    /// Too many attempts: the next may succeed in `retryAfter` seconds.
    public static func rateLimited(retryAfter: Int) -> Self {
        Self(code: .rateLimited, message: "Too many attempts, try again in \(retryAfter) seconds", retryAfter: retryAfter)
    }
    public static func badRequest(_ message: String) -> Self { Self(code: .badRequest, message: message) }
    public static func conflict(_ message: String = "Username already exists") -> Self { Self(code: .conflict, message: message) }
    public static func forbidden(_ message: String) -> Self { Self(code: .forbidden, message: message) }
    public static let payloadTooLarge = Self(code: .payloadTooLarge, message: "Request body too large")
    public static let unsupportedMediaType = Self(code: .unsupportedMediaType, message: "Expected application/json")
    public static func unavailable(_ message: String = "A store is unavailable") -> Self { Self(code: .unavailable, message: message) }
    public static func invalidKey(_ message: String) -> Self { Self(code: .invalidKey, message: message) }
    public static func invalidConfiguration(_ message: String) -> Self { Self(code: .invalidConfiguration, message: message) }
}
