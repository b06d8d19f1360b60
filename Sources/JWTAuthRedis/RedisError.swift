/// Why a Redis command failed. Equality compares codes only; messages never hold a password.
///
/// Like any store error that is not a `JWTAuthError`, callers of the revocation store turn it into
/// `unavailable`, so a request fails closed.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable machine code.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        private init(_ description: String) { self.description = description }

        /// No connection could be made (refused, unreachable, connect timeout), or the client waits
        /// before retrying one that failed.
        public static let connectionFailed = Self("connection_failed")
        /// The connection closed before the reply came.
        public static let connectionClosed = Self("connection_closed")
        /// No reply within the command timeout.
        public static let timeout = Self("timeout")
        /// The server sent bytes that are not RESP, or a reply of an unexpected shape.
        public static let protocolError = Self("protocol_error")
        /// The server answered with an error reply (`-ERR …`, `-WRONGPASS …`).
        public static let serverError = Self("server_error")
        /// The client was closed.
        public static let clientClosed = Self("client_closed")
        /// A `redis://` URL that cannot be used.
        public static let invalidURL = Self("invalid_url")
    }

    public let code: Code
    public let message: String
    /// Whether the command surely never reached the server (the connection was closed or broken before it
    /// was written), so that sending it on another connection cannot run it twice.
    let isUnsent: Bool

    public init(code: Code, message: String) {
        self.init(code: code, message: message, isUnsent: false)
    }

    init(code: Code, message: String, isUnsent: Bool) {
        self.code = code
        self.message = message
        self.isUnsent = isUnsent
    }

    /// This error, marked as one where the command never reached the server.
    var unsent: Self { Self(code: code, message: message, isUnsent: true) }

    public var description: String { "Redis \(code): \(message)" }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }
    public func hash(into hasher: inout Hasher) { hasher.combine(code) }

    public static let connectionFailed = Self(code: .connectionFailed, message: "Cannot connect to Redis")
    public static let connectionClosed = Self(code: .connectionClosed, message: "The Redis connection closed")
    public static let timeout = Self(code: .timeout, message: "Redis did not answer in time")
    public static let protocolError = Self(code: .protocolError, message: "Redis sent a malformed reply")
    public static let serverError = Self(code: .serverError, message: "Redis answered with an error")
    public static let clientClosed = Self(code: .clientClosed, message: "The Redis client is closed")
    public static let invalidURL = Self(code: .invalidURL, message: "Invalid Redis URL")

    static func protocolError(_ message: String) -> Self { Self(code: .protocolError, message: message) }
}
