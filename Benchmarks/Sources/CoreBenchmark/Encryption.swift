import Crypto
import FoundationEssentials
import JWTAuth
import _CryptoExtras

/// Encrypted tokens: encrypt and decrypt of the benchmark's HS256 access token for three key managements, each
/// beside the raw swift-crypto operations on the same bytes, and a nested token's verification (HS256 inside
/// dir + A256GCM) beside a plain HS256 one.
struct EncryptionSuite: Sendable {
    struct Case: Sendable {
        let name: String
        let key: JWEKey
        let decrypter: JWEDecrypter
        let token: String
        let rawEncrypt: Workload
        let rawDecrypt: Workload
    }

    let plaintext: [UInt8]
    let cases: [Case]
    let plain: (verifier: TokenVerifier, token: String)
    let nested: (verifier: TokenVerifier, token: String)
    /// The nested token through a verifier with a ``VerifiedTokenCache``, as the service runs it: the token was
    /// seen before, so neither decryption nor the HMAC runs again; the claims are checked again.
    let cachedNested: TokenVerifier

    init(_ material: KeyMaterial, _ payload: PayloadValues) throws {
        let subject = try Subject(.hs256, material, payload)
        let plaintext = Array(subject.token.utf8)
        self.plaintext = plaintext
        let secret = SymmetricKey(data: material.secret)
        let direct = try JWEKey.symmetric(material.secret, algorithm: .dir, encryption: .a256GCM)
        let ecdh = try JWEKey(pem: material.p256.pemRepresentation, algorithm: .ecdhESA256KW)
        let rsa = try JWEKey(pem: material.rsa.pemRepresentation, algorithm: .rsaOAEP256)
        let agreementKey = try P256.KeyAgreement.PrivateKey(rawRepresentation: material.p256.rawRepresentation)
        let rsaKey = RSAKey(key: try _RSA.Encryption.PrivateKey(derRepresentation: material.rsa.derRepresentation))
        let aad = Array("eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIn0".utf8)

        // Raw: AES-256-GCM seal and open of the same plaintext with the same AAD length; opening starts from the
        // decoded IV, ciphertext and tag bytes, as a token's segments give them.
        let sealed = try AES.GCM.seal(plaintext, using: secret, authenticating: aad)
        let (nonceBytes, ciphertextBytes, tagBytes) = (Array(sealed.nonce), Array(sealed.ciphertext), Array(sealed.tag))
        let gcmEncrypt: Workload = .sync { n in
            for _ in 0..<n { Sink.consume(try AES.GCM.seal(plaintext, using: secret, authenticating: aad).ciphertext.count) }
        }
        let gcmDecrypt: Workload = .sync { n in
            for _ in 0..<n {
                let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonceBytes), ciphertext: ciphertextBytes, tag: tagBytes)
                Sink.consume(try AES.GCM.open(box, using: secret, authenticating: aad).count)
            }
        }
        // Raw ECDH-ES+A256KW: an ephemeral key, the agreement, one SHA-256 round, key wrap, then GCM.
        let ephemeral = P256.KeyAgreement.PrivateKey()
        let cek = SymmetricKey(size: .bits256)
        let kek = SymmetricKey(data: SHA256.hash(data: Array(ephemeral.publicKey.rawRepresentation)))
        let wrapped = try AES.KeyWrap.wrap(cek, using: kek)
        let sealedWithCEK = try AES.GCM.seal(plaintext, using: cek, authenticating: aad)
        let parts = (nonce: Array(sealedWithCEK.nonce), ciphertext: Array(sealedWithCEK.ciphertext), tag: Array(sealedWithCEK.tag))
        @Sendable func open(with key: SymmetricKey) throws -> Int {
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: parts.nonce), ciphertext: parts.ciphertext, tag: parts.tag)
            return try AES.GCM.open(box, using: key, authenticating: aad).count
        }
        let ecdhEncrypt: Workload = .sync { n in
            for _ in 0..<n {
                let ephemeral = P256.KeyAgreement.PrivateKey()
                let z = try ephemeral.sharedSecretFromKeyAgreement(with: agreementKey.publicKey)
                let kek = SymmetricKey(data: z.withUnsafeBytes { SHA256.hash(data: $0) })
                let cek = SymmetricKey(size: .bits256)
                Sink.consume(try AES.KeyWrap.wrap(cek, using: kek).count)
                Sink.consume(try AES.GCM.seal(plaintext, using: cek, authenticating: aad).ciphertext.count)
            }
        }
        let ephemeralPoint = ephemeral.publicKey.x963Representation
        let ecdhDecrypt: Workload = .sync { n in
            for _ in 0..<n {
                let share = try P256.KeyAgreement.PublicKey(x963Representation: ephemeralPoint)
                let z = try agreementKey.sharedSecretFromKeyAgreement(with: share)
                Sink.consume(z.withUnsafeBytes { SHA256.hash(data: $0) }.withUnsafeBytes { Int($0[0]) })
                // The KDF output is not the wrapping key here: unwrap with the key it was wrapped with.
                let cek = try AES.KeyWrap.unwrap(wrapped, using: kek)
                Sink.consume(try open(with: cek))
            }
        }
        // Raw RSA-OAEP-256: encrypt or decrypt a 32-byte key, then GCM.
        let cekBytes = cek.withUnsafeBytes { Array($0) }
        let encryptedCEK = try rsaKey.key.publicKey.encrypt(cekBytes, padding: .PKCS1_OAEP_SHA256)
        let rsaEncrypt: Workload = .sync { n in
            for _ in 0..<n {
                Sink.consume(try rsaKey.key.publicKey.encrypt(cekBytes, padding: .PKCS1_OAEP_SHA256).count)
                Sink.consume(try AES.GCM.seal(plaintext, using: cek, authenticating: aad).ciphertext.count)
            }
        }
        let rsaDecrypt: Workload = .sync { n in
            for _ in 0..<n {
                let cek = SymmetricKey(data: try rsaKey.key.decrypt(encryptedCEK, padding: .PKCS1_OAEP_SHA256))
                Sink.consume(try open(with: cek))
            }
        }
        var cases: [Case] = []
        for (name, key, rawEncrypt, rawDecrypt) in [
            ("dir+A256GCM", direct, gcmEncrypt, gcmDecrypt), ("ECDH-ES+A256KW P-256", ecdh, ecdhEncrypt, ecdhDecrypt),
            ("RSA-OAEP-256+A256GCM", rsa, rsaEncrypt, rsaDecrypt),
        ] {
            let decrypter = try JWEDecrypter(key: key)
            let token = try key.encrypt(plaintext, contentType: "JWT")
            guard try decrypter.decrypt(token).plaintext == plaintext else { throw UsageError(message: "\(name) does not round-trip") }
            cases.append(Case(name: name, key: key, decrypter: decrypter, token: token, rawEncrypt: rawEncrypt, rawDecrypt: rawDecrypt))
        }
        self.cases = cases

        let signingKey = try JWTKey.hmac(material.secret)
        let keys = try JWTKeySet([signingKey])
        plain = (try TokenVerifier(keys: keys), subject.token)
        let nestedVerifier = try TokenVerifier(keys: keys, decryptingWith: JWEDecrypter(key: direct))
        let nestedToken = try direct.encrypt(plaintext, contentType: "JWT")
        guard try nestedVerifier.decode(nestedToken, as: .access).claims == subject.ours.claims else {
            throw UsageError(message: "the nested token does not verify")
        }
        nested = (nestedVerifier, nestedToken)
        cachedNested = try TokenVerifier(keys: keys, cache: VerifiedTokenCache(), decryptingWith: JWEDecrypter(key: direct))
    }

    func rows(_ harness: Harness) async throws -> [Row] {
        var rows: [Row] = []
        let plaintext = plaintext
        for testCase in cases {
            let key = testCase.key
            let encrypt: Workload = .sync { n in for _ in 0..<n { Sink.consume(try key.encrypt(plaintext, contentType: "JWT").utf8.count) } }
            let (decrypter, token) = (testCase.decrypter, testCase.token)
            let decrypt: Workload = .sync { n in for _ in 0..<n { Sink.consume(try decrypter.decrypt(token).plaintext.count) } }
            CoreBenchmark.progress("JWE \(testCase.name)")
            let results = try await harness.measure([encrypt, testCase.rawEncrypt, decrypt, testCase.rawDecrypt])
            rows.append(Row(algorithm: "JWE", operation: "\(testCase.name) encrypt", ours: results[0], raw: results[1]))
            rows.append(Row(algorithm: "JWE", operation: "\(testCase.name) decrypt", ours: results[2], raw: results[3], goal: .fractionOfRaw(0.9)))
        }
        let (plainVerifier, plainToken) = plain
        let (nestedVerifier, nestedToken) = nested
        let plainVerify: Workload = .sync { n in
            for _ in 0..<n { Sink.consume(try plainVerifier.decode(plainToken, as: .access).claims.members.count) }
        }
        let nestedVerify: Workload = .sync { n in
            for _ in 0..<n { Sink.consume(try nestedVerifier.decode(nestedToken, as: .access).claims.members.count) }
        }
        let cachedVerifier = cachedNested
        let cachedVerify: Workload = .sync { n in
            for _ in 0..<n { Sink.consume(try cachedVerifier.decode(nestedToken, as: .access).claims.members.count) }
        }
        CoreBenchmark.progress("JWE nested verify")
        let results = try await harness.measure([plainVerify, nestedVerify, cachedVerify])
        rows.append(Row(algorithm: "HS256", operation: "TokenVerifier, plain JWS", ours: results[0]))
        rows.append(
            Row(
                algorithm: "HS256",
                operation: "TokenVerifier, nested in dir+A256GCM",
                ours: results[1],
                goal: .fasterThan(1 / 1.5, baseline: results[0], name: "plain")
            )
        )
        rows.append(
            Row(
                algorithm: "HS256",
                operation: "TokenVerifier, nested, cache hit",
                ours: results[2],
                goal: .fasterThan(1 / 1.5, baseline: results[0], name: "plain")
            )
        )
        return rows
    }
}

/// swift-crypto's RSA encryption key lacks the `Sendable` annotation its signing key has; it is immutable.
struct RSAKey: @unchecked Sendable {
    let key: _RSA.Encryption.PrivateKey
}
