import JWTAuth
import Testing

/// Every test case of Wycheproof's JSON Web Encryption vectors (`Vectors/wycheproof/json_web_encryption_test.json`).
///
/// A case marked valid must decrypt to its plaintext when JWTAuth implements its `alg` and `enc`, and be refused
/// otherwise (`RSA1_5`, AES-GCM key wrap, 192-bit AES, JSON serialization); a case marked invalid must be refused.
/// A case may deviate only when listed in `deviations`, with the reason.
@Suite struct JWEWycheproofTests {
    static let deviations: [Int: String] = [:]

    /// The plaintext the group's private key decrypts the case to, or nil when refused (the key included).
    static func outcome(_ test: JSONValue, key jwk: [String: JSONValue]) -> [UInt8]? {
        guard let compact = test["jwe"]?.stringValue, let token = try? EncryptedToken(compact) else { return nil }
        // A key without alg is bound, as a user would bind it, to the algorithm the case is about.
        let algorithm = jwk["alg"] == nil ? token.algorithm : nil
        guard let key = try? JWEKey(jwk: jwk, algorithm: algorithm, encryption: token.encryption),
            let decrypted = try? JWEDecrypter(key: key).decrypt(token)
        else { return nil }
        return decrypted.plaintext
    }

    static func isImplemented(_ test: JSONValue) -> Bool {
        guard let compact = test["jwe"]?.stringValue, let header = compact.split(separator: ".").first,
            let bytes = Base64URL.decode(header), let members = try? JSONParser().parseObject(bytes),
            let alg = members["alg"]?.stringValue, KeyManagementAlgorithm(name: alg) != nil,
            let enc = members["enc"]?.stringValue, ContentEncryptionAlgorithm(name: enc) != nil
        else { return false }
        return members["zip"] == nil
    }

    @Test func everyCase() throws {
        let document = try TestVectors.load("wycheproof/json_web_encryption_test.json")
        let groups = try #require(document["testGroups"]?.arrayValue)
        var checked = 0
        var decrypted = 0
        for group in groups {
            let jwk = try #require(group["private"]?.objectValue)
            for test in try #require(group["tests"]?.arrayValue) {
                let id = Int(try #require(test["tcId"]?.intValue))
                let valid = test["result"] == "valid"
                let plaintext = Self.outcome(test, key: jwk)
                checked += 1
                if let reason = Self.deviations[id] {
                    #expect(plaintext == nil, "tcId \(id): \(reason)")
                    continue
                }
                if valid, Self.isImplemented(test) {
                    let expected = JWEVectorTests.hex(try #require(test["pt"]?.stringValue))
                    #expect(plaintext == expected, "tcId \(id) \(test["comment"]?.stringValue ?? "") must decrypt")
                    decrypted += 1
                } else {
                    #expect(plaintext == nil, "tcId \(id) \(test["comment"]?.stringValue ?? "") must be refused")
                }
            }
        }
        #expect(checked == Int(try #require(document["numberOfTests"]?.intValue)))
        #expect(decrypted > 30)
    }
}
