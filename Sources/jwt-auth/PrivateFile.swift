#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a new file readable by its owner only, never replacing one.
enum PrivateFile {
    /// Creates `path` with mode 0600 (`O_CREAT | O_EXCL`) and writes `contents` to it.
    /// - Throws: `io_error` when the file exists or cannot be written; a partly written file is removed.
    static func create(_ path: String, contents: [UInt8]) throws(CommandFailure) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "already exists; it is never overwritten" : "cannot be created: \(describeErrno())"
            throw .io("\(path) \(reason)")
        }
        var written = 0
        var failure: String? = fchmod(descriptor, 0o600) == 0 ? nil : describeErrno()
        while failure == nil, written < contents.count {
            let count = contents[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno != EINTR { failure = describeErrno() }
            } else {
                written += count
            }
        }
        if failure == nil, fsync(descriptor) != 0 { failure = describeErrno() }
        if close(descriptor) != 0, failure == nil { failure = describeErrno() }
        if let failure {
            unlink(path)
            throw .io("\(path) could not be written: \(failure)")
        }
    }

    private static func describeErrno() -> String {
        String(cString: strerror(errno))
    }
}
