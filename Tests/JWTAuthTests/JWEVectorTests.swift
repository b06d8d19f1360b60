import Crypto
import Foundation
import Testing

@testable import JWTAuth

/// The JWE examples of RFC 7516, RFC 7520 (through the JOSE Cookbook), RFC 7518 and RFC 8037, from `Vectors/rfc/`.
@Suite struct JWEVectorTests {
    static func hex(_ text: String) -> [UInt8] {
        var bytes: [UInt8] = []
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            bytes.append(UInt8(text[index..<next], radix: 16)!)
            index = next
        }
        return bytes
    }

    @Test(arguments: ["A.1", "A.3"])
    func rfc7516(name: String) throws {
        let vector = try #require(try TestVectors.vectors("rfc/rfc7516.json")[name])
        let algorithm = try #require(KeyManagementAlgorithm(name: try vector.string("alg")))
        let encryption = try #require(ContentEncryptionAlgorithm(name: try vector.string("enc")))
        let key = try JWEKey(jwk: vector.object("key"), algorithm: algorithm, encryption: encryption)
        let decrypted = try JWEDecrypter(key: key).decrypt(try vector.string("compact"))
        #expect(decrypted.plaintext == Array(try vector.string("plaintext").utf8))
        #expect(decrypted.header.algorithm == algorithm.name)
        #expect(decrypted.header.encryption == encryption.name)

        // What we encrypt to the same key decrypts to the same plaintext.
        let ours = try (key.publicKey ?? key).encrypt(Array(try vector.string("plaintext").utf8))
        #expect(try JWEDecrypter(key: key).decrypt(ours).plaintext == decrypted.plaintext)
    }

    @Test func rfc7516RSA1_5IsRefused() throws {
        let vector = try #require(try TestVectors.vectors("rfc/rfc7516.json")["A.2"])
        let error = #expect(throws: JWTAuthError.self) { try EncryptedToken(try vector.string("compact")) }
        #expect(error?.code == .invalidToken)
        #expect(error?.message == "The key management algorithm RSA1_5 is not accepted")
        // Nor can an RSA key be bound to RSA1_5.
        #expect(throws: JWTAuthError.self) { try JWEKey(jwk: vector.object("key").merging(["alg": "RSA1_5"]) { $1 }) }
    }

    /// The RFC 7520 §5 examples in compact form; those for algorithms JWTAuth refuses must be refused.
    @Test(arguments: [
        ("5_2.key_encryption_using_rsa-oaep_with_aes-gcm.json", true),
        ("5_4.key_agreement_with_key_wrapping_using_ecdh-es_and_aes-keywrap_with_aes-gcm.json", true),
        ("5_5.key_agreement_using_ecdh-es_with_aes-cbc-hmac-sha2.json", true),
        ("5_6.direct_encryption_using_aes-gcm.json", true),
        ("5_8.key_wrap_using_aes-keywrap_with_aes-gcm.json", true),
        ("5_1.key_encryption_using_rsa_v15_and_aes-hmac-sha2.json", false),
        ("5_3.key_wrap_using_pbes2-aes-keywrap_with-aes-cbc-hmac-sha2.json", false),
        ("5_7.key_wrap_using_aes-gcm_keywrap_with_aes-cbc-hmac-sha2.json", false),
        ("5_9.compressed_content.json", false),
    ])
    func rfc7520(file: String, accepted: Bool) throws {
        let example = try TestVectors.load("rfc/jose-cookbook/jwe/\(file)")
        let compact = try #require(example["output"]?["compact"]?.stringValue)
        let plaintext = Array(try #require(example["input"]?["plaintext"]?.stringValue).utf8)
        guard accepted else {
            let error = #expect(throws: JWTAuthError.self) { try EncryptedToken(compact) }
            #expect(error?.code == .invalidToken)
            return
        }
        // The cookbook's keys mostly leave alg out: a user binds each to the algorithms it is for.
        let algorithm = try #require(example["input"]?["alg"]?.stringValue.flatMap(KeyManagementAlgorithm.init(name:)))
        let encryption = try #require(example["input"]?["enc"]?.stringValue.flatMap(ContentEncryptionAlgorithm.init(name:)))
        let key = try JWEKey(jwk: try #require(example["input"]?["key"]?.objectValue), algorithm: algorithm, encryption: encryption)
        let decrypted = try JWEDecrypter(key: key).decrypt(compact)
        #expect(decrypted.plaintext == plaintext)
        #expect(decrypted.header.keyID == key.keyID)
        // The key's public JWK has the cookbook's public members.
        if let publicJWK = key.publicJWK, let given = example["input"]?["key"]?.objectValue {
            for name in ["kty", "crv", "x", "y", "n", "e", "kid"] { #expect(publicJWK[name] == given[name], "\(name)") }
        }
    }

    /// RFC 7518 B.1 and B.3: AES-CBC with HMAC, byte for byte.
    @Test(arguments: ["B.1", "B.3"])
    func rfc7518AppendixB(name: String) throws {
        let vector = try #require(try TestVectors.vectors("rfc/rfc7518-b.json")[name])
        let encryption = try #require(ContentEncryptionAlgorithm(name: try vector.string("enc")))
        let key = Self.hex(try vector.string("key"))
        let iv = Self.hex(try vector.string("iv"))
        let aad = Self.hex(try vector.string("aad"))
        let plaintext = Self.hex(try vector.string("plaintext"))
        let sealed = try ContentCipher.seal(plaintext, encryption, cek: key, iv: iv, aad: aad)
        #expect(sealed.ciphertext == Self.hex(try vector.string("ciphertext")))
        #expect(sealed.tag == Self.hex(try vector.string("tag")))
        #expect(ContentCipher.open(sealed.ciphertext, encryption, cek: key, iv: iv, tag: sealed.tag, aad: aad) == plaintext)
        var flipped = sealed.tag
        flipped[flipped.count - 1] ^= 1
        #expect(ContentCipher.open(sealed.ciphertext, encryption, cek: key, iv: iv, tag: flipped, aad: aad) == nil)
    }

    /// RFC 8037 A.6: X25519 agreement with the example's ephemeral key, then a token through our decrypter.
    @Test func rfc8037X25519() throws {
        let vector = try #require(try TestVectors.vectors("rfc/rfc8037-a6.json")["A.6"])
        let bob = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: Self.hex(try vector.string("recipientPrivate")))
        let ephemeral = try Curve25519.KeyAgreement.PrivateKey(rawRepresentation: Self.hex(try vector.string("ephemeralSecret")))
        let recipient = try vector.object("recipient")
        #expect(Base64URL.encode(bob.publicKey.rawRepresentation) == recipient["x"]?.stringValue)
        #expect(Base64URL.encode(ephemeral.publicKey.rawRepresentation) == vector["epk"]?["x"]?.stringValue)
        let z = try ephemeral.sharedSecretFromKeyAgreement(with: bob.publicKey)
        #expect(z.withUnsafeBytes { Array($0) } == Self.hex(try vector.string("z")))

        // A token made with that ephemeral key (ECDH-ES, A128GCM) decrypts with Bob's private JWK.
        var bobJWK = recipient
        bobJWK["d"] = .string(Base64URL.encode(bob.rawRepresentation))
        let key = try JWEKey(jwk: bobJWK, algorithm: .ecdhES, encryption: .a128GCM)
        #expect(key.keyID == "Bob")
        let header: JSONValue = ["alg": "ECDH-ES", "enc": "A128GCM", "kid": "Bob", "epk": try #require(vector["epk"])]
        let aad = Array(Base64URL.encode(JSONWriter.encode(header)).utf8)
        let cek = ConcatKDF.derive(z: z, byteCount: 16, algorithmID: "A128GCM", apu: [], apv: [])
        let iv = [UInt8](repeating: 7, count: 12)
        let sealed = try ContentCipher.seal(Array("X25519".utf8), .a128GCM, cek: cek, iv: iv, aad: aad)
        let token = [
            String(decoding: aad, as: UTF8.self), "", Base64URL.encode(iv), Base64URL.encode(sealed.ciphertext), Base64URL.encode(sealed.tag),
        ]
        .joined(separator: ".")
        #expect(try JWEDecrypter(key: key).decrypt(token).plaintext == Array("X25519".utf8))
    }

    /// RFC 7518 §C's Concat KDF example: ECDH-ES with A128GCM, apu "Alice", apv "Bob".
    @Test func concatKDFExample() {
        // Z from RFC 7518 Appendix C.
        let z: [UInt8] = [
            158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49, 110, 163, 218, 128, 106, 72, 246, 218, 167,
            121, 140, 254, 144, 196,
        ]
        let derived = ConcatKDF.derive(z: z, byteCount: 16, algorithmID: "A128GCM", apu: Array("Alice".utf8), apv: Array("Bob".utf8))
        #expect(Base64URL.encode(derived) == "VqqN6vgjbSBcIijNcacQGg")
    }
}
