/// A failure of the command line itself, such as a file that cannot be written, printed like a
/// `JWTAuthError`: `<code>: <message>` on standard error, exit code 1.
///
/// The message never holds a token, a key or a secret.
struct CommandFailure: Error, CustomStringConvertible {
    let code: String
    let message: String

    init(code: String, message: String) {
        self.code = code
        self.message = message
    }

    var description: String { "\(code): \(message)" }

    /// What the command needs is not there (no data, a port taken): `jwt-auth: <message>`, as other
    /// programs name themselves in such errors.
    static func environment(_ message: String) -> Self { Self(code: "jwt-auth", message: message) }

    /// A file could not be read or written.
    static func io(_ message: String) -> Self { Self(code: "io_error", message: message) }
}
