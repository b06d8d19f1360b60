import Crypto
import JWTAuth
import JWTAuthTesting
import Testing

/// Signatures that must not verify: truncated, padded, from another key, and the ECDSA and EdDSA edge values.
extension HostileTokenTests {
    /// One signing key per algorithm, and a second key of the same kind and `kid` that did not sign.
    struct KeyPair: Sendable, CustomTestStringConvertible {
        let signer: JWTKey
        let other: JWTKey
        var testDescription: String { signer.algorithm.name }
    }

    static let otherRSAPEM = try! JWTKey.generate(.rs256).pemRepresentation!

    static let keyPairs: [KeyPair] = SigningAlgorithm.all.map { algorithm in
        switch algorithm.family {
        case .rsa, .rsaPSS:
            KeyPair(
                signer: try! JWTKey(pem: rsaPEM, algorithm: algorithm, keyID: "k"),
                other: try! JWTKey(pem: otherRSAPEM, algorithm: algorithm, keyID: "k")
            )
        default:
            KeyPair(signer: try! JWTKey.generate(algorithm, keyID: "k"), other: try! JWTKey.generate(algorithm, keyID: "k"))
        }
    }

    @Test("Truncated, extended and empty signatures are refused", arguments: keyPairs)
    func truncatedSignaturesAreRefused(pair: KeyPair) throws {
        let token = try TokenForge.token(claims: Self.validClaims, key: pair.signer)
        let decoder = Self.decoder(pair.signer)
        #expect(try decoder.decode(token, now: Self.now).subject == "42")
        let signature = TokenForge.signature(of: token)
        let variants: [[UInt8]] = [
            [], Array(signature.dropLast()), Array(signature.dropFirst()), Array(signature.prefix(signature.count / 2)),
            signature + [0], [0] + signature, signature + signature, [signature[0]], Array(signature.dropLast(16)),
        ]
        for bytes in variants {
            let error = Self.expectRejected(TokenForge.replacingSignature(of: token, with: bytes), by: decoder)
            #expect(error?.message == "Signature verification failed")
        }
    }

    @Test("A signature by another key of the same kind and kid is refused", arguments: keyPairs)
    func signatureFromAnotherKeyIsRefused(pair: KeyPair) throws {
        let token = try TokenForge.token(claims: Self.validClaims, key: pair.other)
        #expect(Self.expectRejected(token, by: Self.decoder(pair.signer))?.message == "Signature verification failed")
    }

    @Test("Flipping any one bit of the signature is refused", arguments: keyPairs)
    func flippedSignatureBitsAreRefused(pair: KeyPair) throws {
        let token = try TokenForge.token(claims: Self.validClaims, key: pair.signer)
        let decoder = Self.decoder(pair.signer)
        let signature = TokenForge.signature(of: token)
        for bit in stride(from: 0, to: signature.count * 8, by: max(1, signature.count * 8 / 64)) {
            var flipped = signature
            flipped[bit / 8] ^= 1 << (bit % 8)
            Self.expectRejected(TokenForge.replacingSignature(of: token, with: flipped), by: decoder)
        }
    }

    @Test("A valid signature over other claims is refused", arguments: keyPairs)
    func signatureOverOtherClaimsIsRefused(pair: KeyPair) throws {
        let token = try TokenForge.token(claims: Self.validClaims, key: pair.signer)
        let admin = try TokenForge.token(claims: TokenForge.claims(at: Self.now, overriding: ["sub": "1", "roles": ["admin"]]), key: pair.signer)
        let parts = TokenForge.segments(token)
        let adminParts = TokenForge.segments(admin)
        let decoder = Self.decoder(pair.signer)
        Self.expectRejected(parts[0] + "." + adminParts[1] + "." + parts[2], by: decoder)
        Self.expectRejected(parts[0] + "." + parts[1] + "." + adminParts[2], by: decoder)
        Self.expectRejected(parts[1] + "." + parts[0] + "." + parts[2], by: decoder)
    }

    // MARK: ECDSA

    /// The group order n of each NIST curve, big-endian, as wide as a signature half.
    static func curveOrder(_ algorithm: SigningAlgorithm) -> [UInt8] {
        let hex: String
        switch algorithm {
        case .es256: hex = "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"
        case .es384: hex = "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973"
        default:
            hex =
                "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409"
        }
        let digits = Array(hex.utf8)
        return stride(from: 0, to: digits.count, by: 2).map { UInt8(String(decoding: digits[$0..<$0 + 2], as: UTF8.self), radix: 16)! }
    }

    /// a − b for big-endian numbers of one width, a ≥ b.
    static func subtract(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        var result = a
        var borrow = 0
        for index in stride(from: a.count - 1, through: 0, by: -1) {
            let difference = Int(a[index]) - Int(b[index]) - borrow
            result[index] = UInt8((difference + 256) % 256)
            borrow = difference < 0 ? 1 : 0
        }
        return result
    }

    @Test(
        "Psychic signatures: r or s of 0, r or s ≥ n, and malformed encodings are refused",
        .bug("https://nvd.nist.gov/vuln/detail/CVE-2022-21449"),
        arguments: [SigningAlgorithm.es256, .es384, .es512]
    )
    func ecdsaEdgeValuesAreRefused(algorithm: SigningAlgorithm) throws {
        let key = try JWTKey.generate(algorithm, keyID: "ec")
        let token = try TokenForge.token(claims: Self.validClaims, key: key)
        let decoder = Self.decoder(key)
        let signature = TokenForge.signature(of: token)
        let width = signature.count / 2
        let n = Self.curveOrder(algorithm)
        try #require(n.count == width)
        let (r, s) = (Array(signature.prefix(width)), Array(signature.suffix(width)))
        let zero = [UInt8](repeating: 0, count: width)
        var one = zero
        one[width - 1] = 1
        let der = try P256.Signing.ECDSASignature(rawRepresentation: Array(repeating: 1, count: 64)).derRepresentation
        let cases: [[UInt8]] = [
            zero + zero, zero + s, r + zero, n + s, r + n, n + n, one + one, n + zero,
            [UInt8](repeating: 0xFF, count: 2 * width), Self.subtract(n, one) + zero,
            Array(signature.prefix(width)), zero, [UInt8](repeating: 0, count: 2 * width + 1), Array(der),
        ]
        for bytes in cases {
            let error = Self.expectRejected(TokenForge.replacingSignature(of: token, with: bytes), by: decoder)
            #expect(error?.message == "Signature verification failed")
        }
    }

    @Test(arguments: [SigningAlgorithm.es256, .es384, .es512])
    func ecdsaSignatureInDERIsRefused(algorithm: SigningAlgorithm) throws {
        let key = try JWTKey.generate(algorithm, keyID: "ec")
        let token = try TokenForge.token(claims: Self.validClaims, key: key)
        let raw = TokenForge.signature(of: token)
        let der: [UInt8]
        switch algorithm {
        case .es256: der = Array(try P256.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
        case .es384: der = Array(try P384.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
        default: der = Array(try P521.Signing.ECDSASignature(rawRepresentation: raw).derRepresentation)
        }
        Self.expectRejected(TokenForge.replacingSignature(of: token, with: der), by: Self.decoder(key))
    }

    /// ECDSA lets anyone turn (r, s) into (r, n − s) without the key. Such a token is a different string with the
    /// same claims; nothing in JWTAuth identifies a token by its text for a security decision, so revoking its
    /// `jti` revokes both, and the verified-token cache verifies the new text in full.
    @Test(arguments: [SigningAlgorithm.es256, .es384, .es512])
    func ecdsaHighSVariantIsStillRevokedByItsJTI(algorithm: SigningAlgorithm) async throws {
        let factory = try TokenFactory(algorithm: algorithm)
        let store = MemoryRevocationStore(clock: factory.clock.clock)
        let verifier = try factory.verifier(revocationStore: store, cache: VerifiedTokenCache())
        let issued = try factory.issuer.accessToken(for: "42")
        let signature = TokenForge.signature(of: issued.token)
        let width = signature.count / 2
        let highS = Array(signature.prefix(width)) + Self.subtract(Self.curveOrder(algorithm), Array(signature.suffix(width)))
        let variant = TokenForge.replacingSignature(of: issued.token, with: highS)
        #expect(variant != issued.token)

        let original = try await verifier.verify(issued.token)
        let verified = try await verifier.verify(variant)
        #expect(verified.claims == original.claims)
        await store.revoke(tokenID: issued.id, until: issued.expiresAt)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(issued.token) }
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(variant) }
    }

    // MARK: EdDSA and RSA

    @Test("Ed25519: S + L (a malleated signature) and S ≥ L are refused")
    func ed25519NonCanonicalSIsRefused() throws {
        let key = try JWTKey.generate(.eddsa, keyID: "ed")
        let token = try TokenForge.token(claims: Self.validClaims, key: key)
        let decoder = Self.decoder(key)
        let signature = TokenForge.signature(of: token)
        // L = 2^252 + 27742317777372353535851937790883648493, little-endian as S is.
        let order: [UInt8] = [
            0xED, 0xD3, 0xF5, 0x5C, 0x1A, 0x63, 0x12, 0x58, 0xD6, 0x9C, 0xF7, 0xA2, 0xDE, 0xF9, 0xDE, 0x14,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x10,
        ]
        var sPlusL = Array(signature.suffix(32))
        var carry = 0
        for index in 0..<32 {
            let sum = Int(sPlusL[index]) + Int(order[index]) + carry
            sPlusL[index] = UInt8(sum & 0xFF)
            carry = sum >> 8
        }
        let cases: [[UInt8]] = [
            Array(signature.prefix(32)) + sPlusL, Array(signature.prefix(32)) + order, [UInt8](repeating: 0, count: 64),
            [UInt8](repeating: 0xFF, count: 64), Array(signature.prefix(32)) + [UInt8](repeating: 0xFF, count: 32),
        ]
        for bytes in cases {
            let error = Self.expectRejected(TokenForge.replacingSignature(of: token, with: bytes), by: decoder)
            #expect(error?.message == "Signature verification failed")
        }
    }

    @Test(arguments: [SigningAlgorithm.rs256, .ps256, .rs512, .ps512])
    func rsaSignatureOutOfRangeIsRefused(algorithm: SigningAlgorithm) throws {
        let key = try JWTKey(pem: Self.rsaPEM, algorithm: algorithm, keyID: "rsa")
        let token = try TokenForge.token(claims: Self.validClaims, key: key)
        let decoder = Self.decoder(key)
        let length = TokenForge.signature(of: token).count
        for bytes in [[UInt8](repeating: 0xFF, count: length), [UInt8](repeating: 0, count: length), [UInt8](repeating: 0, count: length - 1) + [1]] {
            Self.expectRejected(TokenForge.replacingSignature(of: token, with: bytes), by: decoder)
        }
    }
}
