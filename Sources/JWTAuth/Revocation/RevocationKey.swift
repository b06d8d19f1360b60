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
            Self(uuid: bytes) ?? Self(short: bytes) ?? Self(hashing: bytes)
        }
    }

    /// Where the form is written: the high nibble of byte 6 (a UUID's version).
    private static let formShift: UInt64 = 12
    private static let formMask: UInt64 = 0xF << formShift

    /// The form of the key: 4 for a UUID, 0 for a short id, 1 for a hashed one.
    package var form: UInt64 { (high & Self.formMask) >> Self.formShift }

    /// `xxxxxxxx-xxxx-4xxx-xxxx-xxxxxxxxxxxx` with lowercase hex digits: its 16 bytes, version nibble included.
    private init?(uuid bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count == 36, bytes[14] == UInt8(ascii: "4") else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        var digits = 0
        for index in 0..<36 {
            let byte = bytes[index]
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard byte == UInt8(ascii: "-") else { return nil }
                continue
            }
            let value: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): value = byte &- UInt8(ascii: "a") &+ 10
            default: return nil
            }
            if digits < 16 {
                high = high << 4 | UInt64(value)
            } else {
                low = low << 4 | UInt64(value)
            }
            digits += 1
        }
        self.init(high: high, low: low)
    }

    /// At most 15 bytes: byte 6 holds form 0 and the length, bytes 0–5 and 7–15 the id (zero-padded).
    private init?(short bytes: UnsafeBufferPointer<UInt8>) {
        guard bytes.count <= 15 else { return nil }
        var padded = (high: UInt64(0), low: UInt64(0))
        for index in 0..<15 {
            let byte = UInt64(index < bytes.count ? bytes[index] : 0)
            // Payload byte i goes to key byte i (i < 6) or i + 1 (i ≥ 6), skipping byte 6.
            let position = index < 6 ? index : index + 1
            if position < 8 {
                padded.high |= byte << UInt64(8 * (7 - position))
            } else {
                padded.low |= byte << UInt64(8 * (15 - position))
            }
        }
        padded.high |= UInt64(bytes.count) << 8  // byte 6: form 0 in its high nibble, the length in its low one
        self.init(high: padded.high, low: padded.low)
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
