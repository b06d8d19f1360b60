import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Signing keys in a directory (mode 0700, files 0600): the ``KeyStore`` of one machine.
///
/// - `key-<kid>.pem`: a key (``JWTKey/storedText``), `kid` being its RFC 7638 thumbprint; a private key, or
///   only the public half when the private key is kept elsewhere.
/// - `current`: the `kid` new tokens are signed with.
/// - `key-<kid>.retire-at`: for a key that is no longer current, the Unix time after which no token it signed
///   can still be valid; from then on the key is dropped from verification and its files are deleted.
///
/// Every file is written to a temporary name and renamed into place, so that a reader never sees half a key.
public struct KeyDirectory: KeyStore {
    /// The directory.
    public let path: String

    /// The keys in the directory at `path`; nothing is read or created yet.
    public init(path: String) {
        self.path = path
    }

    public var location: String { path }

    /// Creates the directory (and its parent) if missing.
    public func create() throws {
        let parent = (path as NSString).deletingLastPathComponent
        let attributes: [FileAttributeKey: Any] = [.posixPermissions: 0o700]
        if !parent.isEmpty {
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: attributes)
        }
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: attributes)
    }

    public func prepare() async throws { try create() }

    /// The directory's modification time: it changes when a file is added, renamed into place or deleted.
    public func changeMarker() async throws -> String {
        let modified = try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        return modified.map { "\($0.timeIntervalSince1970)" } ?? "missing"
    }

    /// Reads the keys; those whose retirement time has passed are left out and their files deleted.
    /// - Throws: `invalid_key` for a key file that cannot be read or does not hold the key its name says.
    public func read(now: Double) throws(JWTAuthError) -> KeyStoreContents {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        let currentID = currentKeyID
        var contents = KeyStoreContents(currentKeyID: currentID)
        for name in names where name.hasPrefix("key-") && name.hasSuffix(".pem") {
            let keyID = String(name.dropFirst(4).dropLast(4))
            guard let text = try? String(contentsOfFile: path + "/" + name, encoding: .utf8),
                let key = try? JWTKey(storedText: text)
            else { throw .invalidKey("cannot read the key \(path)/\(name)") }
            guard key.thumbprint == keyID else { throw .invalidKey("\(path)/\(name) does not hold the key its name says") }
            if keyID != currentID {
                let retireAt = retirement(of: keyID)
                if let retireAt, retireAt <= now {
                    remove(keyID)
                    continue
                }
                contents.retirements[keyID] = retireAt
            }
            contents.keys.append(key.withKeyID(keyID))
        }
        return contents
    }

    /// The `kid` in `current`, if any.
    public var currentKeyID: String? {
        (try? String(contentsOfFile: path + "/current", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The time `keyID` retires, if stamped.
    public func retirement(of keyID: String) -> Double? {
        (try? String(contentsOfFile: path + "/key-\(keyID).retire-at", encoding: .utf8))
            .flatMap { Double($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
    }

    public func stampRetirements(at time: Double) throws(JWTAuthError) {
        let contents = try read(now: 0)
        for keyID in contents.retirements.keys where contents.retirements[keyID] ?? nil == nil {
            try Self.write(String(Int64(time.rounded(.up))) + "\n", to: path + "/key-\(keyID).retire-at", replace: true)
        }
    }

    /// Adds `key` unless present.
    /// - Throws: `invalid_key` for an HMAC key, which is never stored.
    public func add(_ key: JWTKey) throws(JWTAuthError) {
        guard let text = key.storedText else { throw .invalidKey("HMAC keys are not kept in \(path)") }
        let file = path + "/key-\(key.thumbprint).pem"
        guard !FileManager.default.fileExists(atPath: file) else { return }
        try Self.write(text, to: file)
    }

    public func makeCurrent(_ keyID: String) throws(JWTAuthError) {
        try Self.write(keyID + "\n", to: path + "/current", replace: true)
        try? FileManager.default.removeItem(atPath: path + "/key-\(keyID).retire-at")
    }

    public func rotate(algorithm: SigningAlgorithm) throws -> JWTKey {
        try create()
        let generated = try JWTKey.generate(algorithm)
        let key = generated.withKeyID(generated.thumbprint)
        try add(key)
        try makeCurrent(generated.thumbprint)
        return key
    }

    /// Deletes `keyID` at once, so that its tokens are refused.
    /// - Throws: `invalid_key` for an unknown key or the current one.
    public func retire(_ keyID: String) throws(JWTAuthError) {
        let contents = try read(now: 0)
        guard contents.keys.contains(where: { $0.keyID == keyID }) else { throw .invalidKey("no key \(keyID) in \(path)") }
        guard keyID != contents.currentKeyID else {
            throw .invalidKey("\(keyID) is the current signing key: rotate first (jwt-auth keys rotate), then retire it")
        }
        remove(keyID)
    }

    private func remove(_ keyID: String) {
        try? FileManager.default.removeItem(atPath: path + "/key-\(keyID).pem")
        try? FileManager.default.removeItem(atPath: path + "/key-\(keyID).retire-at")
    }

    /// Writes a file with mode 0600, atomically (a temporary file renamed into place).
    private static func write(_ text: String, to path: String, replace: Bool = false) throws(JWTAuthError) {
        let temporary = path + ".tmp-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw .unavailable("cannot write \(path)")
        }
        if !replace, FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unavailable("\(path) exists")
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw .unavailable("cannot write \(path)")
        }
    }
}
