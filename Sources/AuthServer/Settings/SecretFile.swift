/// Reads a setting's value from the file its `JWT_AUTH_<NAME>_FILE` variable names (the container-secrets
/// convention: a mounted file holding the secret): the file's text, one trailing line break removed.
enum SecretFile {
    /// The most a secret file may hold.
    static let maximumSize = 64 * 1024

    /// Why the file cannot be used; never holds its content.
    struct Unreadable: Error {
        let reason: String
    }

    /// The text of `path` without one trailing `\n` (or `\r\n`).
    /// - Throws: ``Unreadable`` naming why: no such file, permission denied, a directory, too large, not UTF-8.
    static func read(_ path: String) throws(Unreadable) -> String {
        guard !path.isEmpty else { throw Unreadable(reason: "expected the path of a file") }
        var bytes: [UInt8]
        do {
            bytes = try BoundedFile.read(path, maximumSize: maximumSize)
        } catch .unreadable(let reason) {
            throw Unreadable(reason: "cannot read \(path): \(reason)")
        } catch {
            throw Unreadable(reason: "cannot read \(path): larger than 64 KiB")
        }
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Unreadable(reason: "\(path) is not UTF-8 text") }
        return text
    }
}
