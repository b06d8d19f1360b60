import Crypto

/// An HMAC keyed once, when its ``JWTKey`` is made. Signing and verifying start from a copy of it,
/// instead of hashing the secret into the inner and outer pads again for every token.
enum KeyedMAC: Sendable {
    case sha256(HMAC<SHA256>)
    case sha384(HMAC<SHA384>)
    case sha512(HMAC<SHA512>)

    init(key: SymmetricKey, digestBits: Int) {
        switch digestBits {
        case 256: self = .sha256(HMAC(key: key))
        case 384: self = .sha384(HMAC(key: key))
        default: self = .sha512(HMAC(key: key))
        }
    }

    /// The authentication code of `message`.
    func code(for message: [UInt8]) -> [UInt8] {
        switch self {
        case .sha256(var mac):
            mac.update(data: message)
            return Array(mac.finalize())
        case .sha384(var mac):
            mac.update(data: message)
            return Array(mac.finalize())
        case .sha512(var mac):
            mac.update(data: message)
            return Array(mac.finalize())
        }
    }

    /// Whether `code` authenticates `message`, compared in constant time as
    /// `HMAC.isValidAuthenticationCode` does; false for a code of another length.
    func isValid(_ code: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .sha256(var mac):
            mac.update(data: message)
            return mac.finalize() == code
        case .sha384(var mac):
            mac.update(data: message)
            return mac.finalize() == code
        case .sha512(var mac):
            mac.update(data: message)
            return mac.finalize() == code
        }
    }
}
