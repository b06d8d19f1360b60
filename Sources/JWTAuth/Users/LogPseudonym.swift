import Crypto

/// A keyed hash for logs: lets an operator see that the same value (a username typed at login) came back,
/// without writing the value. Unlike a plain hash, it cannot be reversed by guessing (people type
/// passwords into the username field) without the key, which stays in the data store.
public struct LogPseudonym: Sendable {
    private let key: SymmetricKey

    /// A pseudonym keyed with `key` (32 random bytes kept per installation).
    public init(key: [UInt8]) {
        self.key = SymmetricKey(data: key)
    }

    /// A pseudonym keyed for this process only.
    public init() {
        self.key = SymmetricKey(size: .bits256)
    }

    /// The first 16 bytes of HMAC-SHA256 of `value`, in lowercase hex.
    public func callAsFunction(_ value: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: Array(value.utf8), using: key)
        return code.prefix(16).map { byte in
            let digits: [Character] = Array("0123456789abcdef")
            return String([digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]])
        }.joined()
    }
}
