#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Unreadable(reason: "cannot read \(path): \(describe(errno))") }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { readSome(descriptor, $0) }
            if count == 0 { break }
            if count < 0 {
                if errno == EINTR { continue }
                throw Unreadable(reason: "cannot read \(path): \(describe(errno))")
            }
            bytes += buffer[..<count]
            guard bytes.count <= maximumSize else { throw Unreadable(reason: "cannot read \(path): larger than 64 KiB") }
        }
        if bytes.last == UInt8(ascii: "\n") {
            bytes.removeLast()
            if bytes.last == UInt8(ascii: "\r") { bytes.removeLast() }
        }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw Unreadable(reason: "\(path) is not UTF-8 text") }
        return text
    }

    private static func describe(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES: "permission denied"
        case EISDIR: "is a directory"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}

/// POSIX `read`, which `SecretFile.read` hides inside the type.
private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
