#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JWE compact serialization split and decoded, not yet decrypted.
///
/// Parsing applies the structural rules in order: size limit, five canonical base64url segments, a header that is
/// a JSON object with string `alg` and `enc` that JWTAuth implements, no `zip`, no `crit`.
public struct EncryptedToken: Sendable {
    /// The protected header.
    public var header: JWEHeader { parsedHeader.header }
    /// The parsed `alg`.
    public var algorithm: KeyManagementAlgorithm { parsedHeader.algorithm }
    /// The parsed `enc`.
    public var encryption: ContentEncryptionAlgorithm { parsedHeader.encryption }
    /// The header segment's ASCII bytes: the additional authenticated data.
    var additionalData: [UInt8] { parsedHeader.segment }
    /// The header, parsed once and shared: a known header is not copied into every token.
    let parsedHeader: KnownHeader
    let encryptedKey: [UInt8]
    /// The IV, ciphertext and tag, decoded into one buffer in that order: AES-GCM's combined layout.
    let sealed: [UInt8]
    let ivCount: Int
    let tagCount: Int

    var iv: ArraySlice<UInt8> { sealed[..<ivCount] }
    var ciphertext: ArraySlice<UInt8> { sealed[ivCount..<(sealed.count - tagCount)] }
    var tag: ArraySlice<UInt8> { sealed[(sealed.count - tagCount)...] }

    /// A header segment parsed before, with what it parsed to: the same bytes parse to the same header.
    final class KnownHeader: Sendable {
        let segment: [UInt8]
        let header: JWEHeader
        let algorithm: KeyManagementAlgorithm
        let encryption: ContentEncryptionAlgorithm
        /// ``JWEHeader/isNested``, worked out once.
        let isNested: Bool

        /// Whether `bytes` are this header's segment, byte for byte.
        func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
            segment.count == bytes.count && !bytes.isEmpty
                && segment.withUnsafeBytes { memcmp($0.baseAddress!, bytes.baseAddress!, bytes.count) == 0 }
        }

        init(segment: [UInt8]) throws(JWTAuthError) {
            self.segment = segment
            let parsed = segment.withUnsafeBytes { bytes in
                Result { () throws(JWTAuthError) in try EncryptedToken.header(bytes) }
            }
            (header, algorithm, encryption) = try parsed.get()
            isNested = header.isNested
        }
    }

    /// Splits and decodes `token`.
    /// - Throws: `invalid_token` naming what is wrong.
    public init(_ token: String, maximumSize: Int = UnverifiedToken.defaultMaximumSize) throws(JWTAuthError) {
        try self.init(token, maximumSize: maximumSize, knownHeaders: [])
    }

    /// Splits and decodes `token`; a header segment found in `knownHeaders` is not parsed again.
    init(_ token: String, maximumSize: Int, knownHeaders: [KnownHeader]) throws(JWTAuthError) {
        var token = token
        let parsed: Result<EncryptedToken, JWTAuthError> = token.withUTF8 { buffer in
            do throws(JWTAuthError) {
                return .success(try EncryptedToken(UnsafeRawBufferPointer(buffer), maximumSize: maximumSize, knownHeaders: knownHeaders))
            } catch {
                return .failure(error)
            }
        }
        self = try parsed.get()
    }

    private init(_ bytes: UnsafeRawBufferPointer, maximumSize: Int, knownHeaders: [KnownHeader]) throws(JWTAuthError) {
        guard bytes.count <= maximumSize else { throw .invalidToken("Token is larger than \(maximumSize) bytes") }
        var dots = (0, 0, 0, 0)
        var count = 0
        var next = UnverifiedToken.dot(in: bytes, from: 0)
        while let index = next {
            switch count {
            case 0: dots.0 = index
            case 1: dots.1 = index
            case 2: dots.2 = index
            case 3: dots.3 = index
            default: throw .invalidToken("Too many segments")
            }
            count += 1
            next = UnverifiedToken.dot(in: bytes, from: index + 1)
        }
        guard count == 4 else {
            throw .invalidToken(count == 2 ? "Expected an encrypted token (JWE), not a signed one" : "Not enough segments")
        }
        func segment(_ range: Range<Int>) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: bytes[range]) }
        let headerSegment = segment(0..<dots.0)
        if let known = knownHeaders.first(where: { $0.matches(headerSegment) }) {
            parsedHeader = known
        } else {
            parsedHeader = try KnownHeader(segment: Array(headerSegment))
        }
        let parts = (iv: segment(dots.1 + 1..<dots.2), ciphertext: segment(dots.2 + 1..<dots.3), tag: segment(dots.3 + 1..<bytes.count))
        guard let encryptedKey = Base64URL.decode(segment(dots.0 + 1..<dots.1)), let ivCount = Base64URL.decodedCount(parts.iv.count),
            let ciphertextCount = Base64URL.decodedCount(parts.ciphertext.count), let tagCount = Base64URL.decodedCount(parts.tag.count)
        else { throw .invalidToken("Invalid crypto padding") }
        var decoded = true
        sealed = [UInt8](unsafeUninitializedCapacity: ivCount + ciphertextCount + tagCount) { buffer, initialized in
            initialized = buffer.count
            guard let target = buffer.baseAddress else { return }
            decoded =
                Base64URL.decode(parts.iv, into: target) && Base64URL.decode(parts.ciphertext, into: target + ivCount)
                && Base64URL.decode(parts.tag, into: target + ivCount + ciphertextCount)
        }
        guard decoded else { throw .invalidToken("Invalid crypto padding") }
        self.encryptedKey = encryptedKey
        self.ivCount = ivCount
        self.tagCount = tagCount
    }

    /// Decodes and checks a header segment: canonical base64url, a JSON object with string `alg` and `enc` that
    /// JWTAuth implements, no `zip`, no `crit`, and `kid`, `typ` and `cty` strings when present.
    static func header(_ segment: UnsafeRawBufferPointer) throws(JWTAuthError) -> (JWEHeader, KeyManagementAlgorithm, ContentEncryptionAlgorithm) {
        guard !segment.isEmpty, let headerBytes = Base64URL.decode(segment) else { throw .invalidToken("Invalid header padding") }
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
        return (header, algorithm, encryption)
    }
}
