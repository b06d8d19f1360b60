import JWTAuth

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the file `--key` names, or standard input for `-`.
enum KeyFile {
    /// The most a key file may hold: a JWK Set of a few dozen RSA keys fits many times over.
    static let maximumSize = 1 << 20

    /// The bytes of `path`, or of standard input when it is `-`. A FIFO (`--key <(…)`) is read like a file.
    /// - Throws: `invalid_key` naming the path and why: no such file, permission denied, is a directory, too large.
    static func read(_ path: String) throws(JWTAuthError) -> [UInt8] {
        if path == "-" { return try read(descriptor: STDIN_FILENO, name: "standard input") }
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .invalidKey("\(path): \(reason(errno))") }
        defer { close(descriptor) }
        return try read(descriptor: descriptor, name: path)
    }

    private static func read(descriptor: Int32, name: String) throws(JWTAuthError) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { readSome(descriptor, $0) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .invalidKey("\(name): \(reason(errno))")
            }
            bytes += buffer[..<count]
            guard bytes.count <= maximumSize else { throw .invalidKey("\(name): larger than 1 MiB, too large for a key") }
        }
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES: "permission denied"
        case EISDIR: "is a directory"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}

/// POSIX `read`, which `KeyFile.read` hides inside the type.
private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
