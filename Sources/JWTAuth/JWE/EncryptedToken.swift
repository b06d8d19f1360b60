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
        self = try Self.withSegments(of: token, maximumSize: maximumSize, knownHeaders: knownHeaders) { segments throws(JWTAuthError) in
            try EncryptedToken(segments)
        }
    }

    private init(_ segments: Segments) throws(JWTAuthError) {
        var decoded = true
        sealed = [UInt8](unsafeUninitializedCapacity: segments.sealedCount) { buffer, initialized in
            initialized = buffer.count
            guard let target = buffer.baseAddress else { return }
            decoded = segments.decodeSealed(into: target)
        }
        guard decoded else { throw Segments.invalidPadding }
        parsedHeader = segments.header
        encryptedKey = segments.encryptedKey
        ivCount = segments.ivCount
        tagCount = segments.tagCount
    }

    /// `body` of the segments of `token`, split and checked (``Segments``), read in place.
    static func withSegments<T>(
        of token: String,
        maximumSize: Int,
        knownHeaders: [KnownHeader],
        _ body: (Segments) throws(JWTAuthError) -> T
    ) throws(JWTAuthError) -> T {
        try token.withUTF8Bytes { bytes throws(JWTAuthError) in
            try body(Segments(bytes, maximumSize: maximumSize, knownHeaders: knownHeaders))
        }
    }

    /// A token split into its five segments and checked, its header parsed and its encrypted key decoded; the IV,
    /// ciphertext and tag are still base64url, read in place from the token's bytes (so a value of this type never
    /// outlives the buffer it was made from), and their lengths are known.
    struct Segments {
        static let invalidPadding = JWTAuthError.invalidToken("Invalid crypto padding")

        let header: KnownHeader
        let encryptedKey: [UInt8]
        let iv: UnsafeRawBufferPointer
        let ciphertext: UnsafeRawBufferPointer
        let tag: UnsafeRawBufferPointer
        let ivCount: Int
        let ciphertextCount: Int
        let tagCount: Int

        /// The decoded length of the IV, ciphertext and tag together.
        var sealedCount: Int { ivCount + ciphertextCount + tagCount }

        init(_ bytes: UnsafeRawBufferPointer, maximumSize: Int, knownHeaders: [KnownHeader]) throws(JWTAuthError) {
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
                header = known
            } else {
                header = try KnownHeader(segment: Array(headerSegment))
            }
            (iv, ciphertext, tag) = (segment(dots.1 + 1..<dots.2), segment(dots.2 + 1..<dots.3), segment(dots.3 + 1..<bytes.count))
            // An empty encrypted key (`dir`, `ECDH-ES`) needs no decoding and no buffer.
            let keySegment = segment(dots.0 + 1..<dots.1)
            guard let encryptedKey = keySegment.isEmpty ? [] : Base64URL.decode(keySegment), let ivCount = Base64URL.decodedCount(iv.count),
                let ciphertextCount = Base64URL.decodedCount(ciphertext.count), let tagCount = Base64URL.decodedCount(tag.count)
            else { throw Self.invalidPadding }
            self.encryptedKey = encryptedKey
            self.ivCount = ivCount
            self.ciphertextCount = ciphertextCount
            self.tagCount = tagCount
        }

        /// Decodes the IV, ciphertext and tag into `target`, which has room for ``sealedCount`` bytes, in that
        /// order: AES-GCM's combined layout. False when one is not canonical base64url.
        func decodeSealed(into target: UnsafeMutablePointer<UInt8>) -> Bool {
            Base64URL.decode(iv, into: target) && Base64URL.decode(ciphertext, into: target + ivCount)
                && Base64URL.decode(tag, into: target + ivCount + ciphertextCount)
        }
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
