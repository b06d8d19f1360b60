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
        let tag = authenticationTag(algorithm, macKey: cek[..<half], aad: aad, iv: iv, ciphertext: ciphertext)
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
        open(ciphertext, algorithm, cek: SymmetricKey(data: cek), iv: iv, tag: tag, aad: aad)
    }

    /// The plaintext, or nil when anything is wrong: lengths, tag, padding. Nothing tells which.
    static func open(
        _ ciphertext: [UInt8],
        _ algorithm: ContentEncryptionAlgorithm,
        cek key: SymmetricKey,
        iv: [UInt8],
        tag: [UInt8],
        aad: [UInt8]
    ) -> [UInt8]? {
        guard key.bitCount == algorithm.keyByteCount * 8, iv.count == algorithm.ivByteCount, tag.count == algorithm.tagByteCount else {
            return nil
        }
        if algorithm.isGCM {
            guard let nonce = try? AES.GCM.Nonce(data: iv),
                let box = try? AES.GCM.SealedBox(nonce: nonce, ciphertext: ciphertext, tag: tag),
                let plaintext = try? AES.GCM.open(box, using: key, authenticating: aad)
            else { return nil }
            return Array(plaintext)
        }
        let cek = key.withUnsafeBytes { Array($0) }
        let half = cek.count / 2
        let expected = authenticationTag(algorithm, macKey: cek[..<half], aad: aad, iv: iv, ciphertext: ciphertext)
        // The tag is checked, in constant time, before any decryption: no padding oracle.
        guard ConstantTime.equals(expected, tag), !ciphertext.isEmpty, ciphertext.count % 16 == 0,
            let cbcIV = try? AES._CBC.IV(ivBytes: iv),
            let plaintext = try? AES._CBC.decrypt(ciphertext, using: SymmetricKey(data: cek[half...]), iv: cbcIV)
        else { return nil }
        return Array(plaintext)
    }

    /// The first half of HMAC(MAC_KEY, AAD ‖ IV ‖ ciphertext ‖ AL), AL being the AAD's length in bits (64-bit big-endian).
    private static func authenticationTag(
        _ algorithm: ContentEncryptionAlgorithm,
        macKey: ArraySlice<UInt8>,
        aad: [UInt8],
        iv: [UInt8],
        ciphertext: [UInt8]
    ) -> [UInt8] {
        let bits = UInt64(aad.count) * 8
        let length = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * $0)) }
        let key = SymmetricKey(data: macKey)
        if algorithm.keyByteCount == 32 {
            var mac = HMAC<SHA256>(key: key)
            for part in [aad, iv, ciphertext, length] { mac.update(data: part) }
            return Array(Array(mac.finalize()).prefix(algorithm.tagByteCount))
        }
        var mac = HMAC<SHA512>(key: key)
        for part in [aad, iv, ciphertext, length] { mac.update(data: part) }
        return Array(Array(mac.finalize()).prefix(algorithm.tagByteCount))
    }
}
