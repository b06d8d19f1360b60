/// A JWE compact serialization split and decoded, not yet decrypted.
///
/// Parsing applies the structural rules in order: size limit, five canonical base64url segments, a header that is
/// a JSON object with string `alg` and `enc` that JWTAuth implements, no `zip`, no `crit`.
public struct EncryptedToken: Sendable {
    public let header: JWEHeader
    /// The parsed `alg`.
    public let algorithm: KeyManagementAlgorithm
    /// The parsed `enc`.
    public let encryption: ContentEncryptionAlgorithm
    /// The header segment's ASCII bytes: the additional authenticated data.
    let additionalData: [UInt8]
    let encryptedKey: [UInt8]
    let iv: [UInt8]
    let ciphertext: [UInt8]
    let tag: [UInt8]

    /// Splits and decodes `token`.
    /// - Throws: `invalid_token` naming what is wrong.
    public init(_ token: String, maximumSize: Int = UnverifiedToken.defaultMaximumSize) throws(JWTAuthError) {
        let bytes = Array(token.utf8)
        guard bytes.count <= maximumSize else { throw .invalidToken("Token is larger than \(maximumSize) bytes") }
        let segments = bytes.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard segments.count >= 5 else {
            throw .invalidToken(segments.count == 3 ? "Expected an encrypted token (JWE), not a signed one" : "Not enough segments")
        }
        guard segments.count == 5 else { throw .invalidToken("Too many segments") }
        guard !segments[0].isEmpty, let headerBytes = Base64URL.decode(Array(segments[0])) else { throw .invalidToken("Invalid header padding") }
        let members: [String: JSONValue]
        do {
            members = try JSONParser().parseObject(headerBytes)
        } catch {
            throw .invalidToken("Invalid header string: \(error.description)")
        }
        let header = JWEHeader(members: members)
        guard let algorithmName = header.algorithm else { throw .invalidToken("The header has no string alg") }
        guard let encryptionName = header.encryption else {
            throw .invalidToken(
                members["enc"] == nil ? "Expected an encrypted token (JWE): the header has no enc" : "The header's enc is not a string"
            )
        }
        guard let algorithm = KeyManagementAlgorithm(name: algorithmName) else {
            if KeyManagementAlgorithm.refused.contains(algorithmName) {
                throw .invalidToken("The key management algorithm \(algorithmName) is not accepted")
            }
            throw .invalidToken("The specified alg value is not allowed")
        }
        guard let encryption = ContentEncryptionAlgorithm(name: encryptionName) else {
            throw .invalidToken("The specified enc value is not allowed")
        }
        // RFC 7516 §4.1.3: compression before encryption leaks through lengths and invites decompression bombs.
        if members["zip"] != nil { throw .invalidToken("Compressed tokens (zip) are not accepted") }
        // RFC 7516 §4.1.13: extensions listed in crit must be understood; JWTAuth understands none.
        if members["crit"] != nil { throw .invalidToken("Unsupported critical header parameters") }
        if header.keyID == nil, members["kid"] != nil { throw .invalidToken("The header's kid is not a string") }
        if header.type == nil, members["typ"] != nil { throw .invalidToken("The header's typ is not a string") }
        if header.contentType == nil, members["cty"] != nil { throw .invalidToken("The header's cty is not a string") }
        guard let encryptedKey = Base64URL.decode(Array(segments[1])), let iv = Base64URL.decode(Array(segments[2])),
            let ciphertext = Base64URL.decode(Array(segments[3])), let tag = Base64URL.decode(Array(segments[4]))
        else { throw .invalidToken("Invalid crypto padding") }
        self.header = header
        self.algorithm = algorithm
        self.encryption = encryption
        self.additionalData = Array(segments[0])
        self.encryptedKey = encryptedKey
        self.iv = iv
        self.ciphertext = ciphertext
        self.tag = tag
    }
}
