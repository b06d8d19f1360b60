import Foundation
import Logging

/// The start-up check of `DATA_DIR`'s permissions: a directory that exists with group or world access
/// (mode & 0o077) is warned about, naming its mode in octal, and left as it is. The operator chose it;
/// the service never changes a mode it did not set.
enum DataDirectoryCheck {
    /// Logs one warning when `path` exists with group or world access; nothing otherwise.
    static func warnIfShared(_ path: String, logger: Logger) {
        guard let mode = mode(of: path), mode & 0o077 != 0 else { return }
        let octal = "0" + String(mode, radix: 8)
        logger.warning(
            "The data directory \(path) has mode \(octal): other users of this machine can reach what is in it. Consider chmod 700.",
            metadata: ["path": "\(path)", "mode": "\(octal)"]
        )
    }

    /// The permission bits of the directory at `path`; nil when there is none.
    static func mode(of path: String) -> Int? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue,
            let permissions = try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? NSNumber
        else { return nil }
        return permissions.intValue & 0o777
    }
}
