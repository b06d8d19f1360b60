import JWTAuth
import Testing

/// Every key management algorithm with every content encryption algorithm (and every curve for ECDH-ES),
/// keys through their JWKs, and the binding of `alg`, `enc` and `kid` to keys.
@Suite struct JWERoundTripTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let algorithm: KeyManagementAlgorithm
        let encryption: ContentEncryptionAlgorithm
        let curve: String
        var testDescription: String { "\(algorithm) \(encryption) \(curve)" }
    }

    static let cases: [Case] = KeyManagementAlgorithm.all.flatMap { algorithm in
        ContentEncryptionAlgorithm.all.flatMap { encryption in
            let curves = algorithm.name.hasPrefix("ECDH") ? ["P-256", "P-384", "P-521", "X25519"] : ["-"]
            return curves.map { Case(algorithm: algorithm, encryption: encryption, curve: $0) }
        }
    }

    /// RSA key generation is slow: one key serves every RSA case.
    static let rsaKey = try! JWEKey.generate(.rsaOAEP256)

    static func key(for testCase: Case) throws -> JWEKey {
        if testCase.algorithm.name.hasPrefix("RSA") {
            var jwk = rsaKey.privateJWK
            jwk["alg"] = .string(testCase.algorithm.name)
            return try JWEKey(jwk: jwk, encryption: testCase.encryption)
        }
        return try JWEKey.generate(testCase.algorithm, encryption: testCase.encryption, curve: testCase.curve == "-" ? "P-256" : testCase.curve)
    }

    @Test(arguments: cases)
    func encryptsAndDecrypts(_ testCase: Case) throws {
        let key = try Self.key(for: testCase).withKeyID("k1")
        let plaintext = Array("{\"sub\":\"42\",\"roles\":[\"admin\"]}".utf8)
        let token = try (key.publicKey ?? key).encrypt(plaintext, contentType: "JWT")
        #expect(token.split(separator: ".", omittingEmptySubsequences: false).count == 5)
        #expect(!token.contains(Base64URL.encode(plaintext.prefix(12))))
        let decrypted = try JWEDecrypter(key: key).decrypt(token)
        #expect(decrypted.plaintext == plaintext)
        #expect(decrypted.header.algorithm == testCase.algorithm.name)
        #expect(decrypted.header.encryption == testCase.encryption.name)
        #expect(decrypted.header.keyID == "k1")
        #expect(decrypted.header.isNested)

        // The key survives its private JWK; the public JWK encrypts.
        let restored = try JWEKey(jwk: key.privateJWK, encryption: testCase.encryption)
        #expect(try JWEDecrypter(key: restored).decrypt(token).plaintext == plaintext)
        #expect(restored.thumbprint == key.thumbprint)
        if let publicJWK = key.publicJWK {
            #expect(publicJWK["d"] == nil && publicJWK["use"] == "enc" && publicJWK["alg"] == .string(testCase.algorithm.name))
            let encrypter = try JWEKey(jwk: publicJWK, encryption: testCase.encryption)
            #expect(!encrypter.canDecrypt)
            #expect(try JWEDecrypter(key: key).decrypt(encrypter.encrypt(plaintext)).plaintext == plaintext)
        }
        // Two encryptions of the same plaintext differ (fresh key, IV, ephemeral key).
        #expect(try key.encrypt(plaintext) != key.encrypt(plaintext))
    }

    @Test func emptyPlaintextRoundTrips() throws {
        for encryption in ContentEncryptionAlgorithm.all {
            let key = try JWEKey.generate(.a256KW, encryption: encryption)
            #expect(try JWEDecrypter(key: key).decrypt(key.encrypt([])).plaintext == [])
        }
    }

    @Test func aPublicKeyCannotDecrypt() throws {
        let publicKey = try #require(try JWEKey.generate(.ecdhESA256KW).publicKey)
        let error = #expect(throws: JWTAuthError.self) { try JWEDecrypter(key: publicKey) }
        #expect(error?.code == .invalidKey)
    }

    @Test func theKeyIDSelectsTheKey() throws {
        let first = try JWEKey.generate(.a256KW).withKeyID("one")
        let second = try JWEKey.generate(.a256KW).withKeyID("two")
        let decrypter = try JWEDecrypter(keys: [first, second])
        #expect(try decrypter.decrypt(second.encrypt([1, 2, 3])).plaintext == [1, 2, 3])
        #expect(try decrypter.decrypt(first.encrypt([4])).plaintext == [4])
        let stranger = try JWEKey.generate(.a256KW).withKeyID("three")
        let error = #expect(throws: JWTAuthError.self) { try decrypter.decrypt(stranger.encrypt([1])) }
        #expect(error?.message == "Unknown key id")
        // No kid and two named keys: no default.
        #expect(throws: JWTAuthError.self) { try decrypter.decrypt(stranger.withKeyID(nil).encrypt([1])) }
        #expect(throws: JWTAuthError.self) { try JWEDecrypter(keys: [first, first]) }
    }

    @Test func aKeyOnlyDecryptsItsOwnAlgorithm() throws {
        let secret = [UInt8](repeating: 9, count: 32)
        let direct = try JWEKey.symmetric(secret, algorithm: .dir)
        let wrap = try JWEKey.symmetric(secret, algorithm: .a256KW)
        let error = #expect(throws: JWTAuthError.self) { try JWEDecrypter(key: direct).decrypt(wrap.encrypt([1])) }
        #expect(error?.message == "The specified alg value does not match the key")
        #expect(throws: JWTAuthError.self) { try JWEDecrypter(key: wrap).decrypt(direct.encrypt([1])) }
    }

    @Test func aKeyOnlyAcceptsItsEncryptions() throws {
        let key = try JWEKey.generate(.a256KW, encryption: .a256GCM)
        let other = try key.encrypting(with: .a128CBCHS256)
        let error = #expect(throws: JWTAuthError.self) { try JWEDecrypter(key: key).decrypt(other.encrypt([1])) }
        #expect(error?.message == "The specified enc value does not match the key")
        let both = try key.encrypting(with: .a256GCM, accepting: [.a128CBCHS256])
        #expect(try JWEDecrypter(key: both).decrypt(other.encrypt([1])).plaintext == [1])
    }

    @Test func keyLengthsAreExact() throws {
        #expect(throws: JWTAuthError.self) { try JWEKey.symmetric([UInt8](repeating: 1, count: 31), algorithm: .dir) }
        #expect(throws: JWTAuthError.self) { try JWEKey.symmetric([UInt8](repeating: 1, count: 32), algorithm: .a128KW) }
        #expect(throws: JWTAuthError.self) { try JWEKey.symmetric([UInt8](repeating: 1, count: 16), algorithm: .dir, encryption: .a256GCM) }
        #expect(try JWEKey.symmetric([UInt8](repeating: 1, count: 64)).encryption == .a256CBCHS512)
        #expect(try JWEKey.symmetric([UInt8](repeating: 1, count: 16)).encryption == .a128GCM)
    }

    @Test func jwkImportIsStrict() throws {
        let key = try JWEKey.generate(.ecdhESA256KW)
        var jwk = key.privateJWK
        jwk["use"] = "sig"
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: jwk) }
        jwk["use"] = "enc"
        jwk["alg"] = "RSA1_5"
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: jwk) }
        jwk["alg"] = "ES256"
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: jwk) }
        jwk["alg"] = "ECDH-ES"
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: jwk, algorithm: .ecdhESA128KW) }
        jwk["key_ops"] = ["sign"]
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: jwk) }
        jwk["key_ops"] = ["deriveKey"]
        #expect(try JWEKey(jwk: jwk).algorithm == .ecdhES)
        // An encryption key is not a signing key, and the reverse.
        #expect(throws: JWTAuthError.self) { try JWTKey(jwk: key.privateJWK) }
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: JWTKey.generate(.es256).privateJWK) }
        // Ed25519 cannot agree keys.
        var okp = try JWTKey.generate(.eddsa).privateJWK
        okp["alg"] = nil
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: okp) }
    }

    @Test func pemKeysImport() throws {
        let signing = try JWTKey.generate(.es384)
        let key = try JWEKey(pem: try #require(signing.pemRepresentation))
        #expect(key.algorithm == .ecdhESA256KW)
        #expect(key.publicJWK?["crv"] == "P-384")
        #expect(try JWEDecrypter(key: key).decrypt(key.encrypt([5])).plaintext == [5])
    }
}
