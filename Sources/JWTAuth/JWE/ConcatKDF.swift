import Crypto
import FoundationEssentials

/// The Concat KDF of NIST SP 800-56A as JWE uses it with ECDH-ES (RFC 7518 §4.6.2), over SHA-256.
enum ConcatKDF {
    /// `byteCount` bytes derived from the shared secret `z`; `algorithmID` is the `enc` name for direct
    /// agreement, else the `alg` name; `apu` and `apv` are the decoded header values (empty when absent).
    static func derive(z: some ContiguousBytes, byteCount: Int, algorithmID: String, apu: [UInt8], apv: [UInt8]) -> [UInt8] {
        var otherInfo: [UInt8] = []
        func appendLength(_ value: Int) {
            let value = UInt32(truncatingIfNeeded: value)
            otherInfo += [
                UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value),
            ]
        }
        for field in [Array(algorithmID.utf8), apu, apv] {
            appendLength(field.count)
            otherInfo += field
        }
        appendLength(byteCount * 8)
        var output: [UInt8] = []
        var counter: UInt32 = 1
        while output.count < byteCount {
            var hash = SHA256()
            hash.update(data: [
                UInt8(counter >> 24), UInt8(truncatingIfNeeded: counter >> 16), UInt8(truncatingIfNeeded: counter >> 8),
                UInt8(truncatingIfNeeded: counter),
            ])
            z.withUnsafeBytes { hash.update(bufferPointer: $0) }
            hash.update(data: otherInfo)
            output += hash.finalize()
            counter += 1
        }
        return Array(output.prefix(byteCount))
    }
}
