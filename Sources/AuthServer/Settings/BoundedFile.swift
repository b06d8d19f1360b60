#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file, or standard input, of at most a given size: the secret files of the settings and the
/// key files of the command line.
package enum BoundedFile {
    /// Why a file could not be read; never holds its content.
    package enum Failure: Error, Equatable {
        /// The system refused: "no such file", "permission denied", "is a directory", ….
        case unreadable(String)
        /// It holds more than the limit.
        case tooLarge
    }

    /// The bytes of the file at `path` (a FIFO is read like a file).
    package static func read(_ path: String, maximumSize: Int) throws(Failure) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(describe(errno)) }
        defer { close(descriptor) }
        return try read(descriptor: descriptor, maximumSize: maximumSize)
    }

    /// The bytes of standard input, up to its end.
    package static func readStandardInput(maximumSize: Int) throws(Failure) -> [UInt8] {
        try read(descriptor: STDIN_FILENO, maximumSize: maximumSize)
    }

    private static func read(descriptor: Int32, maximumSize: Int) throws(Failure) -> [UInt8] {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { readSome(descriptor, $0) }
            if count == 0 { return bytes }
            if count < 0 {
                if errno == EINTR { continue }
                throw .unreadable(describe(errno))
            }
            bytes += buffer[..<count]
            guard bytes.count <= maximumSize else { throw .tooLarge }
        }
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

/// POSIX `read`, which `BoundedFile.read` hides inside the type.
private func readSome(_ descriptor: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
    read(descriptor, buffer.baseAddress, buffer.count)
}
