import Crypto
import FoundationEssentials

/// Decrypts JWE compact tokens with keys selected by `kid`: the key's own `alg` and accepted `enc` only.
///
/// Every failure after the header checks (a bad `epk`, a key that does not unwrap, a wrong length, a tag that
/// does not verify) is the same `invalid_token`, "Decryption failed", so that no answer tells an attacker more.
public struct JWEDecrypter: Sendable {
    /// The keys, in the order given.
    public let keys: [JWEKey]
    /// The largest token accepted, in bytes. Defaults to 8 KiB.
    public var maximumTokenSize: Int
    private let byID: [String: Int]
    /// The headers these keys write (without `epk`), already parsed: a token that carries one of them byte for
    /// byte is not parsed again.
    private let knownHeaders: [EncryptedToken.KnownHeader]

    /// The one error of every decryption failure.
    public static let decryptionFailed = JWTAuthError.invalidToken("Decryption failed")

    /// A decrypter for `keys`. - Throws: `invalid_key` for a public key, a repeated `kid`, or no key.
    public init(keys: [JWEKey], maximumTokenSize: Int = UnverifiedToken.defaultMaximumSize) throws(JWTAuthError) {
        guard !keys.isEmpty else { throw .invalidKey("No decryption key") }
        guard keys.allSatisfy(\.canDecrypt) else { throw .invalidKey("A public key cannot decrypt") }
        var byID: [String: Int] = [:]
        for (index, key) in keys.enumerated() {
            guard let keyID = key.keyID else { continue }
            guard byID[keyID] == nil else { throw .invalidKey("Two keys share one kid") }
            byID[keyID] = index
        }
        self.keys = keys
        self.byID = byID
        self.maximumTokenSize = maximumTokenSize
        self.knownHeaders = Self.knownHeaders(keys)
    }

    /// At most 16, so that looking a header up stays cheaper than parsing it.
    private static func knownHeaders(_ keys: [JWEKey]) -> [EncryptedToken.KnownHeader] {
        var known: [EncryptedToken.KnownHeader] = []
        for key in keys.prefix(8) where !key.algorithm.hasEphemeralKey {
            for encryption in ContentEncryptionAlgorithm.all where key.acceptedEncryptions.contains(encryption) {
                for contentType in [nil, "JWT"] as [String?] {
                    let segment = Array(
                        Base64URL.encode(JSONWriter.encode(.object(key.header(encryption, contentType: contentType)), sortedKeys: true)).utf8
                    )
                    if known.count < 16, let header = try? EncryptedToken.KnownHeader(segment: segment) { known.append(header) }
                }
            }
        }
        return known
    }

    /// A decrypter for one key.
    public init(key: JWEKey, maximumTokenSize: Int = UnverifiedToken.defaultMaximumSize) throws(JWTAuthError) {
        try self.init(keys: [key], maximumTokenSize: maximumTokenSize)
    }

    /// Decrypts `token`. - Throws: `invalid_token`.
    public func decrypt(_ token: String) throws(JWTAuthError) -> DecryptedToken {
        let (header, plaintext) = try EncryptedToken.withSegments(of: token, maximumSize: maximumTokenSize, knownHeaders: knownHeaders) {
            segments throws(JWTAuthError) in (segments.header.header, try open(segments))
        }
        return DecryptedToken(header: header, plaintext: plaintext.withUnsafeBytes { Array($0) })
    }

    /// Decrypts a parsed token. - Throws: `invalid_token`.
    public func decrypt(_ token: EncryptedToken) throws(JWTAuthError) -> DecryptedToken {
        let opened = token.sealed.withUnsafeBytes { sealed in
            Result { () throws(JWTAuthError) in
                try open(token.parsedHeader, encryptedKey: token.encryptedKey, sealed: sealed, ivCount: token.ivCount, tagCount: token.tagCount)
            }
        }
        let plaintext = try opened.get()
        return DecryptedToken(header: token.header, plaintext: plaintext.withUnsafeBytes { Array($0) })
    }

    /// The signed token a nested JWT (`cty: "JWT"`) holds. - Throws: `invalid_token`, also for a token that is
    /// not nested or whose plaintext is not UTF-8.
    package func decryptNested(_ token: String) throws(JWTAuthError) -> String {
        try decryptNested(token) { bytes throws(JWTAuthError) in
            guard let inner = String(validating: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self) else {
                throw .invalidToken("The encrypted token does not hold a JWT")
            }
            return inner
        }
    }

    /// `body` of the plaintext of a nested JWT (`cty: "JWT"`), without copying it. - Throws: `invalid_token`, for a
    /// token that is not nested too.
    package func decryptNested<T>(
        _ token: String,
        _ body: (UnsafeRawBufferPointer) throws(JWTAuthError) -> T
    ) throws(JWTAuthError) -> T {
        let plaintext = try EncryptedToken.withSegments(of: token, maximumSize: maximumTokenSize, knownHeaders: knownHeaders) {
            segments throws(JWTAuthError) in
            let plaintext = try open(segments)
            guard segments.header.isNested else { throw .invalidToken("The encrypted token does not hold a JWT (cty)") }
            return plaintext
        }
        // `withUnsafeBytes` rethrows untyped errors; `body` throws only `JWTAuthError`. Without a `Result` in
        // between, the value is not copied out of one.
        do {
            return try plaintext.withUnsafeBytes { bytes in try body(bytes) }
        } catch let error as JWTAuthError {
            throw error
        } catch {
            throw Self.decryptionFailed
        }
    }

    /// The plaintext of a token's segments: its IV, ciphertext and tag are decoded into a temporary buffer (on the
    /// stack for a token of usual size), which is all the cipher reads.
    private func open(_ segments: EncryptedToken.Segments) throws(JWTAuthError) -> Data {
        try withUnsafeTemporaryAllocation(byteCount: segments.sealedCount, alignment: 1) { buffer throws(JWTAuthError) in
            // No buffer only when all three are empty, which decode to nothing: the cipher refuses them.
            guard buffer.baseAddress.map({ segments.decodeSealed(into: $0.assumingMemoryBound(to: UInt8.self)) }) ?? true else {
                throw EncryptedToken.Segments.invalidPadding
            }
            return try open(
                segments.header,
                encryptedKey: segments.encryptedKey,
                sealed: UnsafeRawBufferPointer(buffer),
                ivCount: segments.ivCount,
                tagCount: segments.tagCount
            )
        }
    }

    /// The plaintext of `sealed` (the IV, ciphertext and tag, decoded) under the key `parsed` selects.
    private func open(
        _ parsed: EncryptedToken.KnownHeader,
        encryptedKey: [UInt8],
        sealed: UnsafeRawBufferPointer,
        ivCount: Int,
        tagCount: Int
    ) throws(JWTAuthError) -> Data {
        // Read in place, through the index: neither the header nor the key is copied.
        let index = try keyIndex(for: parsed.header.keyID)
        // The key is read where it is stored, not copied out of the array.
        let checked = keys.withUnsafeBufferPointer { keys in
            let key = keys.baseAddress! + index
            guard key.pointee.algorithm == parsed.algorithm else {
                return Result<SymmetricKey?, JWTAuthError>.failure(.invalidToken("The specified alg value does not match the key"))
            }
            guard key.pointee.encryption == parsed.encryption || key.pointee.acceptedEncryptions.contains(parsed.encryption) else {
                return .failure(.invalidToken("The specified enc value does not match the key"))
            }
            return .success(key.pointee.contentKey(header: parsed, encryptedKey: encryptedKey))
        }
        guard let cek = try checked.get(),
            let plaintext = ContentCipher.open(
                sealed,
                ivCount: ivCount,
                tagCount: tagCount,
                parsed.encryption,
                cek: cek,
                aad: parsed.segment
            )
        else { throw Self.decryptionFailed }
        return plaintext
    }

    /// With a `kid`, the key with that `kid`; without one, the only key, or else the only key without a `kid`.
    private func keyIndex(for keyID: String?) throws(JWTAuthError) -> Int {
        if let keyID {
            if keys.count == 1 {
                guard keys[0].keyID == keyID else { throw .invalidToken("Unknown key id") }
                return 0
            }
            guard let index = byID[keyID] else { throw .invalidToken("Unknown key id") }
            return index
        }
        if keys.count == 1 { return 0 }
        let unnamed = keys.indices.filter { keys[$0].keyID == nil }
        guard unnamed.count == 1 else { throw .invalidToken("The token has no kid and the key set has no default key") }
        return unnamed[0]
    }
}
