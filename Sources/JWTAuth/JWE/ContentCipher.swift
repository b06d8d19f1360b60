import Crypto
import FoundationEssentials
import _CryptoExtras

/// The content encryption of RFC 7518 §5: AES-GCM, or AES-CBC then HMAC over AAD ‖ IV ‖ ciphertext ‖ AAD length.
enum ContentCipher {
    /// Encrypts `plaintext` with `cek` and `iv`, authenticating `aad`.
    static func seal(
        _ plaintext: some DataProtocol,
        _ algorithm: ContentEncryptionAlgorithm,
        cek: [UInt8],
        iv: [UInt8],
        aad: [UInt8]
    ) throws -> (ciphertext: [UInt8], tag: [UInt8]) {
        if algorithm.isGCM {
            let box = try AES.GCM.seal(plaintext, using: SymmetricKey(data: cek), nonce: AES.GCM.Nonce(data: iv), authenticating: aad)
            return (Array(box.ciphertext), Array(box.tag))
        }
        let half = cek.count / 2
        let ciphertext = Array(
            try AES._CBC.encrypt(plaintext, using: SymmetricKey(data: cek[half...]), iv: AES._CBC.IV(ivBytes: iv))
        )
        let tag = authenticationTag(algorithm, macKey: cek[..<half], aad: aad, iv: iv, ciphertext: ciphertext[...])
        return (ciphertext, tag)
    }

    /// The plaintext, or nil when anything is wrong: lengths, tag, padding. Nothing tells which.
    static func open(
        _ ciphertext: [UInt8],
        _ algorithm: ContentEncryptionAlgorithm,
        cek: [UInt8],
        iv: [UInt8],
        tag: [UInt8],
        aad: [UInt8]
    ) -> [UInt8]? {
        (iv + ciphertext + tag).withUnsafeBytes { sealed in
            open(sealed, ivCount: iv.count, tagCount: tag.count, algorithm, cek: SymmetricKey(data: cek), aad: aad).map { Array($0) }
        }
    }

    /// The plaintext of `sealed`, the IV, ciphertext and tag in that order (AES-GCM's combined layout), or nil
    /// when anything is wrong: lengths, tag, padding. Nothing tells which.
    static func open(
        _ sealed: UnsafeRawBufferPointer,
        ivCount: Int,
        tagCount: Int,
        _ algorithm: ContentEncryptionAlgorithm,
        cek key: SymmetricKey,
        aad: [UInt8]
    ) -> Data? {
        guard key.bitCount == algorithm.keyByteCount * 8, ivCount == algorithm.ivByteCount, tagCount == algorithm.tagByteCount,
            sealed.count >= ivCount + tagCount
        else { return nil }
        if algorithm.isGCM {
            // The GCM IV is 96 bits, AES.GCM's own nonce size: the buffer is a sealed box as it stands.
            guard let box = try? AES.GCM.SealedBox(combined: sealed), let plaintext = try? AES.GCM.open(box, using: key, authenticating: aad)
            else { return nil }
            return plaintext
        }
        let sealed = Array(sealed)
        let iv = Array(sealed[..<ivCount])
        let ciphertext = sealed[ivCount..<(sealed.count - tagCount)]
        let cek = key.withUnsafeBytes { Array($0) }
        let half = cek.count / 2
        let expected = authenticationTag(algorithm, macKey: cek[..<half], aad: aad, iv: iv, ciphertext: ciphertext)
        // The tag is checked, in constant time, before any decryption: no padding oracle.
        guard ConstantTime.equals(expected, Array(sealed[(sealed.count - tagCount)...])), !ciphertext.isEmpty, ciphertext.count % 16 == 0,
            let cbcIV = try? AES._CBC.IV(ivBytes: iv),
            let plaintext = try? AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: cek[half...]), iv: cbcIV)
        else { return nil }
        return plaintext
    }

    /// The first half of HMAC(MAC_KEY, AAD ‖ IV ‖ ciphertext ‖ AL), AL being the AAD's length in bits (64-bit big-endian).
    private static func authenticationTag(
        _ algorithm: ContentEncryptionAlgorithm,
        macKey: ArraySlice<UInt8>,
        aad: [UInt8],
        iv: [UInt8],
        ciphertext: ArraySlice<UInt8>
    ) -> [UInt8] {
        let bits = UInt64(aad.count) * 8
        let length = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * $0)) }
        let key = SymmetricKey(data: macKey)
        func tag<H: HashFunction>(_: H.Type) -> [UInt8] {
            var mac = HMAC<H>(key: key)
            mac.update(data: aad)
            mac.update(data: iv)
            mac.update(data: ciphertext)
            mac.update(data: length)
            return Array(Array(mac.finalize()).prefix(algorithm.tagByteCount))
        }
        return algorithm.keyByteCount == 32 ? tag(SHA256.self) : tag(SHA512.self)
    }
}
