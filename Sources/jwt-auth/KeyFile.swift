import AuthServer
import JWTAuth

/// Reads the file `--key` names, or standard input for `-`.
enum KeyFile {
    /// The most a key file may hold: a JWK Set of a few dozen RSA keys fits many times over.
    static let maximumSize = 1 << 20

    /// The bytes of `path`, or of standard input when it is `-`. A FIFO (`--key <(…)`) is read like a file.
    /// - Throws: `invalid_key` naming the path and why: no such file, permission denied, is a directory, too large.
    static func read(_ path: String) throws(JWTAuthError) -> [UInt8] {
        let name = path == "-" ? "standard input" : path
        do {
            return path == "-"
                ? try BoundedFile.readStandardInput(maximumSize: maximumSize) : try BoundedFile.read(path, maximumSize: maximumSize)
        } catch .unreadable(let reason) {
            throw .invalidKey("\(name): \(reason)")
        } catch {
            throw .invalidKey("\(name): larger than 1 MiB, too large for a key")
        }
    }
}
