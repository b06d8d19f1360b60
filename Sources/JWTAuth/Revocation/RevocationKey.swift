import Crypto

/// A revoked id (`jti`, `sid` or `sub`) as the in-memory index keeps it: 128 bits instead of the string.
///
/// - A version-4 UUID in canonical lowercase form (`TokenIssuer`'s `jti`s and `sid`s) is its own 16 bytes,
///   exactly: no two such ids share a key.
/// - Any other id of at most 15 UTF-8 bytes (a decimal user id, say) is its bytes and its length, exactly.
/// - Any other id is the first bytes of its SHA-256 digest. Two different such ids share a key with a
///   probability of about 2⁻¹²⁴ per pair, and a collision can only make a token look revoked (fail safe),
///   never make a revoked token valid.
///
/// The three forms differ in the nibble where a UUID keeps its version (4, 0 and 1), so an id of one form
/// never shares a key with an id of another. Comparison is exact as for strings: an upper-case UUID is
/// another id than its lower-case form, and is hashed.
package struct RevocationKey: Hashable, Sendable {
    package let high: UInt64
    package let low: UInt64

    package init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The key of `id`. Allocates nothing unless `id` is neither a lowercase UUID nor short.
    package init(_ id: String) {
        var id = id
        self = id.withUTF8 { bytes in
            switch bytes.count {
            case 36: Self(uuid: bytes) ?? Self(hashing: bytes)
            case ...15: Self(short: bytes)
            default: Self(hashing: bytes)
            }
        }
    }

    /// Where the form is written: the high nibble of byte 6 (a UUID's version).
    private static let formShift: UInt64 = 12
    private static let formMask: UInt64 = 0xF << formShift

    /// The form of the key: 4 for a UUID, 0 for a short id, 1 for a hashed one.
    package var form: UInt64 { (high & Self.formMask) >> Self.formShift }

    /// `xxxxxxxx-xxxx-4xxx-xxxx-xxxxxxxxxxxx` with lowercase hex digits: its 16 bytes, version nibble included.
    /// Eight digits at a time, without a branch per character: this runs on every request.
    private init?(uuid bytes: UnsafeBufferPointer<UInt8>) {
        let dash = UInt8(ascii: "-")
        guard bytes.count == 36, bytes[8] == dash, bytes[13] == dash, bytes[18] == dash, bytes[23] == dash,
            bytes[14] == UInt8(ascii: "4")
        else { return nil }
        let raw = UnsafeRawBufferPointer(bytes)
        func word(_ offset: Int) -> UInt64 { UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }
        func half(_ offset: Int) -> UInt64 { UInt64(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self))) }
        guard let a = Self.hexDigits(word(0)), let b = Self.hexDigits(half(9) | half(14) << 32),
            let c = Self.hexDigits(half(19) | half(24) << 32), let d = Self.hexDigits(word(28))
        else { return nil }
        self.init(high: UInt64(a) << 32 | UInt64(b), low: UInt64(c) << 32 | UInt64(d))
    }

    /// The number that eight lowercase hex digits (the first in the lowest byte of `word`) spell; nil when a
    /// byte is not one of `0-9a-f`.
    private static func hexDigits(_ word: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let high: UInt64 = 0x8080_8080_8080_8080
        // For bytes below 0x80, x + (0x80 - lo) sets bit 7 iff x >= lo; x + (0x7F - hi) sets it iff x > hi.
        let digit = (word &+ ones &* 0x50) & ~(word &+ ones &* 0x46) & high  // 0x30...0x39
        let letter = (word &+ ones &* 0x1F) & ~(word &+ ones &* 0x19) & high  // 0x61...0x66
        guard word & high == 0, digit | letter == high else { return nil }
        let nibbles = (word & 0x0F0F_0F0F_0F0F_0F0F) &+ (letter >> 7) &* 9  // 'a' = 0x61: 1 + 9
        // Pairs of nibbles into bytes, then the bytes together; the first digit ends up the most significant.
        let pairs = (nibbles & 0x000F_000F_000F_000F) << 4 | (nibbles & 0x0F00_0F00_0F00_0F00) >> 8
        let quads = (pairs | pairs >> 8) & 0x0000_FFFF_0000_FFFF
        return UInt32(truncatingIfNeeded: quads | quads >> 16).byteSwapped
    }

    /// At most 15 bytes: byte 6 holds form 0 and the length, bytes 0–5 and 7–15 the id (zero-padded).
    private init(short bytes: UnsafeBufferPointer<UInt8>) {
        precondition(bytes.count <= 15)
        var padded: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &padded) { $0.copyMemory(from: UnsafeRawBufferPointer(bytes)) }
        let (first, second) = (UInt64(bigEndian: padded.0), UInt64(bigEndian: padded.1))
        // Id bytes 6... move one byte on, to make room for byte 6.
        self.init(
            high: first & 0xFFFF_FFFF_FFFF_0000 | UInt64(bytes.count) << 8 | (first >> 8) & 0xFF,
            low: first << 56 | second >> 8
        )
    }

    /// The first 16 bytes of SHA-256, with form 1 over the digest's nibble.
    private init(hashing bytes: UnsafeBufferPointer<UInt8>) {
        let digest = SHA256.hash(data: UnsafeRawBufferPointer(bytes))
        var words = (high: UInt64(0), low: UInt64(0))
        digest.withUnsafeBytes { digest in
            for index in 0..<8 {
                words.high = words.high << 8 | UInt64(digest[index])
                words.low = words.low << 8 | UInt64(digest[8 + index])
            }
        }
        self.init(high: words.high & ~Self.formMask | 1 << Self.formShift, low: words.low)
    }
}
