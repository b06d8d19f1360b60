import Crypto
import FoundationEssentials
import _CryptoExtras

extension JWEKey {
    /// The content key of a token with `header` and `encryptedKey`, or nil when its key management fails in a way that is visible without the key
    /// (a bad `epk`, a segment that must be empty). A key that fails to unwrap or decrypt gives a random content
    /// key instead (RFC 7516 §11.5), so that the failure shows only where a bad tag does, after the same work.
    @inline(__always)
    func contentKey(header: EncryptedToken.KnownHeader, encryptedKey: [UInt8]) -> SymmetricKey? {
        // `dir` first, inlined where the key is stored (not copied for a call): the common case on every request.
        if case .direct = algorithm.kind, case .symmetric(let key) = material {
            return encryptedKey.isEmpty ? key : nil
        }
        return managedContentKey(header: header, encryptedKey: encryptedKey)
    }

    /// ``contentKey(header:encryptedKey:)`` for every key management but a `dir` key's.
    private func managedContentKey(header: EncryptedToken.KnownHeader, encryptedKey: [UInt8]) -> SymmetricKey? {
        let encryption = header.encryption
        let members = header.header.members
        switch (algorithm.kind, material) {
        case (.direct, .symmetric(let key)):
            guard encryptedKey.isEmpty else { return nil }
            return key
        case (.keyWrap, .symmetric(let kek)):
            return Self.unwrap(encryptedKey, kek, encryption)
        case (.rsaOAEP(let sha256), .rsaPrivate(let key)):
            let padding: _RSA.Encryption.Padding = sha256 ? .PKCS1_OAEP_SHA256 : .PKCS1_OAEP
            guard let cek = try? key.key.decrypt(encryptedKey, padding: padding), cek.count == encryption.keyByteCount else {
                return SymmetricKey(size: .init(bitCount: encryption.keyByteCount * 8))
            }
            return SymmetricKey(data: cek)
        case (.keyAgreement(let wrapByteCount), _):
            guard let z = agree(with: members["epk"]),
                let apu = Self.partyInfo(members["apu"]), let apv = Self.partyInfo(members["apv"])
            else { return nil }
            guard let wrapByteCount else {
                guard encryptedKey.isEmpty else { return nil }
                return SymmetricKey(
                    data: ConcatKDF.derive(z: z, byteCount: encryption.keyByteCount, algorithmID: encryption.name, apu: apu, apv: apv)
                )
            }
            let kek = ConcatKDF.derive(z: z, byteCount: wrapByteCount, algorithmID: algorithm.name, apu: apu, apv: apv)
            return Self.unwrap(encryptedKey, SymmetricKey(data: kek), encryption)
        default:
            return nil
        }
    }

    private static func unwrap(_ wrapped: [UInt8], _ kek: SymmetricKey, _ encryption: ContentEncryptionAlgorithm) -> SymmetricKey {
        guard wrapped.count == encryption.keyByteCount + 8, let cek = try? AES.KeyWrap.unwrap(wrapped, using: kek),
            cek.bitCount == encryption.keyByteCount * 8
        else { return SymmetricKey(size: .init(bitCount: encryption.keyByteCount * 8)) }
        return cek
    }

    /// The decoded `apu` or `apv`: empty when absent, nil when not a canonical base64url string.
    private static func partyInfo(_ value: JSONValue?) -> [UInt8]? {
        guard let value else { return [] }
        return value.stringValue.flatMap { Base64URL.decode($0) }
    }

    /// The ECDH secret of this private key and the token's `epk`, which must be a valid point of the same curve;
    /// an X25519 agreement that gives zero (a small-order point) fails.
    private func agree(with epk: JSONValue?) -> SharedSecret? {
        guard let members = epk?.objectValue, let curve = material.curveName else { return nil }
        let reader = JWKReader(members: members)
        guard let crv = try? reader.string("crv"), crv == curve, let kty = try? reader.string("kty"), kty == material.keyType,
            let x = try? reader.bytes("x", count: curve == "P-521" ? 66 : curve == "P-384" ? 48 : 32)
        else { return nil }
        func point() -> [UInt8]? {
            guard let y = try? reader.bytes("y", count: x.count) else { return nil }
            return [0x04] + x + y
        }
        switch material {
        case .p256Private(let key):
            guard let point = point(), let share = try? P256.KeyAgreement.PublicKey(x963Representation: point) else { return nil }
            return try? key.sharedSecretFromKeyAgreement(with: share)
        case .p384Private(let key):
            guard let point = point(), let share = try? P384.KeyAgreement.PublicKey(x963Representation: point) else { return nil }
            return try? key.sharedSecretFromKeyAgreement(with: share)
        case .p521Private(let key):
            guard let point = point(), let share = try? P521.KeyAgreement.PublicKey(x963Representation: point) else { return nil }
            return try? key.sharedSecretFromKeyAgreement(with: share)
        case .x25519Private(let key):
            guard let share = try? Curve25519.KeyAgreement.PublicKey(rawRepresentation: x),
                let secret = try? key.sharedSecretFromKeyAgreement(with: share)
            else { return nil }
            // RFC 7748 §6.1: an all-zero result means a small-order point; swift-crypto does not check it.
            let isZero = secret.withUnsafeBytes { bytes in bytes.reduce(UInt8(0)) { $0 | $1 } == 0 }
            return isZero ? nil : secret
        default:
            return nil
        }
    }
}
