import Foundation
public import JWTAuth

/// The service's signing keys on disk, in `<data dir>/keys/` (directory 0700, files 0600).
///
/// - `key-<kid>.pem`: a key, `kid` being its RFC 7638 thumbprint. Generated keys are private; with a key file,
///   only its public half is kept here (the private key stays in the file).
/// - `current`: the `kid` the service signs with.
/// - `key-<kid>.retire-at`: for a key that is no longer current, the Unix time after which no token it signed
///   can still be valid; from then on the key is dropped from verification and its files are deleted.
public struct KeyDirectory: Sendable {
    /// The directory.
    public let path: String

    public init(dataDirectory: String) {
        self.path = dataDirectory + "/keys"
    }

    /// The keys still verifying at `now`, the current `kid`, and the earliest retirement still ahead.
    public struct Contents: Sendable {
        public var keys: [JWTKey]
        public var currentKeyID: String?
        /// Keys that are not current, with the time they retire (nil: not stamped yet).
        public var retirements: [String: Double?]

        /// The earliest retirement time of a key still held.
        public var nextRetirement: Double? { retirements.values.compactMap { $0 }.min() }
    }

    /// Creates the directory (and the data directory) if missing.
    public func create() throws {
        let parent = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
    }

    /// Reads the keys; those whose retirement time has passed are left out and their files deleted.
    /// - Throws: ``KeyDirectoryError`` for a key file that cannot be read.
    public func read(now: Double) throws(KeyDirectoryError) -> Contents {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted()
        let currentID = currentKeyID
        var contents = Contents(keys: [], currentKeyID: currentID, retirements: [:])
        for name in names where name.hasPrefix("key-") && name.hasSuffix(".pem") {
            let keyID = String(name.dropFirst(4).dropLast(4))
            guard let text = try? String(contentsOfFile: path + "/" + name, encoding: .utf8),
                let key = try? StoredKeyText.key(from: text)
            else { throw KeyDirectoryError("cannot read the key \(path)/\(name)") }
            guard key.thumbprint == keyID else { throw KeyDirectoryError("\(path)/\(name) does not hold the key its name says") }
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

    /// Stamps every key that is not current and has no retirement time with `time`: called when a service
    /// starts, after which it no longer signs with them.
    public func stampRetirements(at time: Double) throws {
        let contents = try read(now: 0)
        for keyID in contents.retirements.keys where contents.retirements[keyID] ?? nil == nil {
            try Self.write(String(Int64(time.rounded(.up))) + "\n", to: path + "/key-\(keyID).retire-at", replace: true)
        }
    }

    /// Adds `key` (its PEM: private for a generated key, public for a key file's) unless present.
    public func add(_ key: JWTKey) throws {
        guard let pem = StoredKeyText.text(of: key) else { throw KeyDirectoryError("HMAC keys are not kept in \(path)") }
        let file = path + "/key-\(key.thumbprint).pem"
        guard !FileManager.default.fileExists(atPath: file) else { return }
        try Self.write(pem, to: file)
    }

    /// Makes `keyID` the signing key; it must be present.
    public func makeCurrent(_ keyID: String) throws {
        try Self.write(keyID + "\n", to: path + "/current", replace: true)
        try? FileManager.default.removeItem(atPath: path + "/key-\(keyID).retire-at")
    }

    /// Generates a new key of `algorithm`, stores it and makes it current; returns it (with its `kid`).
    public func rotate(algorithm: SigningAlgorithm) throws -> JWTKey {
        try create()
        let generated = try JWTKey.generate(algorithm)
        let key = generated.withKeyID(generated.thumbprint)
        try add(key)
        try makeCurrent(generated.thumbprint)
        return key
    }

    /// Deletes `keyID` at once, so that its tokens are refused; the current key cannot be retired.
    public func retire(_ keyID: String) throws(KeyDirectoryError) {
        let contents = try read(now: 0)
        guard contents.keys.contains(where: { $0.keyID == keyID }) else { throw KeyDirectoryError("no key \(keyID) in \(path)") }
        guard keyID != contents.currentKeyID else {
            throw KeyDirectoryError("\(keyID) is the current signing key: rotate first (jwt-auth keys rotate), then retire it")
        }
        remove(keyID)
    }

    private func remove(_ keyID: String) {
        try? FileManager.default.removeItem(atPath: path + "/key-\(keyID).pem")
        try? FileManager.default.removeItem(atPath: path + "/key-\(keyID).retire-at")
    }

    /// The directory's modification time: it changes when a file is added, renamed into place or deleted.
    func modificationTime() -> Date? {
        try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
    }

    /// Writes a file with mode 0600, atomically (a temporary file renamed into place).
    static func write(_ text: String, to path: String, replace: Bool = false) throws {
        let temporary = path + ".tmp-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw KeyDirectoryError("cannot write \(path)")
        }
        if !replace, FileManager.default.fileExists(atPath: path) {
            try? FileManager.default.removeItem(atPath: temporary)
            throw KeyDirectoryError("\(path) exists")
        }
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw KeyDirectoryError("cannot write \(path)")
        }
    }
}

/// A key directory that cannot be used; the message names the file, never a key's material.
public struct KeyDirectoryError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
