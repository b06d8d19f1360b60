import Crypto
import FoundationEssentials

/// An HMAC keyed once, when its ``JWTKey`` is made. Signing and verifying start from a copy of it,
/// instead of hashing the secret into the inner and outer pads again for every token.
enum KeyedMAC: Sendable {
    case sha256(PaddedHashes<SHA256>)
    case sha384(PaddedHashes<SHA384>)
    case sha512(PaddedHashes<SHA512>)

    init(key: SymmetricKey, digestBits: Int) {
        switch digestBits {
        case 256: self = .sha256(PaddedHashes(key: key))
        case 384: self = .sha384(PaddedHashes(key: key))
        default: self = .sha512(PaddedHashes(key: key))
        }
    }

    /// The authentication code of `message`.
    func code(for message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { message in
            switch self {
            case .sha256(let hashes): Array(hashes.code(for: message))
            case .sha384(let hashes): Array(hashes.code(for: message))
            case .sha512(let hashes): Array(hashes.code(for: message))
            }
        }
    }

    /// Whether `code` authenticates `message`, compared in constant time as
    /// `HMAC.isValidAuthenticationCode` does; false for a code of another length.
    func isValid(_ code: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        switch self {
        case .sha256(let hashes): hashes.isValid(code, for: message)
        case .sha384(let hashes): hashes.isValid(code, for: message)
        case .sha512(let hashes): hashes.isValid(code, for: message)
        }
    }
}

/// HMAC (RFC 2104) as swift-crypto's `HMAC` computes it, over the hash function's own non-generic
/// `update(bufferPointer:)`: the state of `H` after the inner padded key and after the outer one, copied for each
/// message. swift-crypto's `HMAC` reaches the same hash calls through generic `DataProtocol` code that costs several
/// times the hashing of a token; `KeyedMACTests` checks that both give the same codes.
struct PaddedHashes<H: HashFunction>: Sendable {
    /// `H` after `K ⊕ ipad`.
    private let inner: H
    /// `H` after `K ⊕ opad`.
    private let outer: H

    /// The pads of `key`: hashed first when longer than a block, then padded with zeros to a block.
    init(key: SymmetricKey) {
        var block = [UInt8](repeating: 0, count: H.blockByteCount)
        key.withUnsafeBytes { key in
            if key.count > H.blockByteCount {
                var hash = H()
                hash.update(bufferPointer: key)
                hash.finalize().withUnsafeBytes { block.replaceSubrange(0..<$0.count, with: $0) }
            } else {
                block.replaceSubrange(0..<key.count, with: key)
            }
        }
        var inner = H()
        var outer = H()
        var pad = block.map { $0 ^ 0x36 }
        pad.withUnsafeBytes { inner.update(bufferPointer: $0) }
        for index in pad.indices { pad[index] = block[index] ^ 0x5c }
        pad.withUnsafeBytes { outer.update(bufferPointer: $0) }
        self.inner = inner
        self.outer = outer
    }

    /// `H(K ⊕ opad ‖ H(K ⊕ ipad ‖ message))`.
    func code(for message: UnsafeRawBufferPointer) -> H.Digest {
        var inner = self.inner
        inner.update(bufferPointer: message)
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }

    /// Whether `code` is the code of `message`, compared in constant time; false for a code of another length.
    func isValid(_ code: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer) -> Bool {
        self.code(for: message).withUnsafeBytes { ConstantTime.equals($0, code) }
    }
}
