import FoundationEssentials

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A JWS compact serialization split and decoded, its signature not yet checked.
///
/// Parsing applies the structural rules in order: size limit, three unpadded canonical base64url
/// segments, a header that is a JSON object with a string `alg`, and no `crit`.
public struct UnverifiedToken: Sendable {
    public let header: JWSHeader
    /// The ASCII bytes that were signed: `header.payload`.
    public let signingInput: [UInt8]
    /// The decoded signature.
    public let signature: [UInt8]
    /// The payload segment, still base64url-encoded.
    let payloadSegment: ArraySlice<UInt8>

    /// The largest token accepted by default, in bytes.
    public static let defaultMaximumSize = 8192

    /// A header segment that was parsed before, with what it parsed to.
    struct KnownHeader: Sendable {
        let segment: [UInt8]
        let header: JWSHeader
        /// The position in the decoder's key set of the key that verifies a token with this header, when the
        /// header's `alg` is allowed and is that key's algorithm; nil when these checks must run for each token.
        let keyIndex: Int?

        /// Whether `bytes` is this segment.
        func matches(_ bytes: UnsafeRawBufferPointer) -> Bool {
            guard bytes.count == segment.count else { return false }
            return segment.withUnsafeBytes { segment in
                guard let left = segment.baseAddress, let right = bytes.baseAddress else { return segment.isEmpty }
                return memcmp(left, right, segment.count) == 0
            }
        }
    }

    /// Splits and decodes `token`.
    /// - Throws: `invalid_token` naming what is wrong.
    public init(_ token: String, maximumSize: Int = defaultMaximumSize) throws(JWTAuthError) {
        self = try token.withUTF8Bytes { bytes throws(JWTAuthError) in try UnverifiedToken(bytes, maximumSize: maximumSize) }
    }

    /// Splits and decodes the token in `bytes`.
    public init(_ bytes: UnsafeRawBufferPointer, maximumSize: Int = defaultMaximumSize) throws(JWTAuthError) {
        let parts = try Parts(bytes, maximumSize: maximumSize, knownHeaders: [])
        guard let signature = Base64URL.decode(parts.signatureSegment(of: bytes)) else { throw .invalidToken("Invalid crypto padding") }
        let signingInput = [UInt8](parts.signingInput(of: bytes))
        self.header = parts.header
        self.signingInput = signingInput
        self.signature = signature
        self.payloadSegment = signingInput[(parts.firstDot + 1)...]
    }

    /// A token split, with its header decoded; its signing input, payload and signature are still only positions
    /// in the bytes it was read from, which is all a ``JWTDecoder`` needs of them. The signature is decoded next,
    /// before anything else is checked.
    struct Parts {
        let header: JWSHeader
        /// The ``KnownHeader/keyIndex`` of the known header the token carries; nil for any other header.
        let knownKeyIndex: Int?
        let firstDot: Int
        let secondDot: Int

        /// Splits the token in `bytes` and decodes its header; a header segment found in `knownHeaders` is not
        /// parsed again.
        /// - Throws: `invalid_token` naming what is wrong.
        init(_ bytes: UnsafeRawBufferPointer, maximumSize: Int, knownHeaders: [KnownHeader]) throws(JWTAuthError) {
            guard bytes.count <= maximumSize else { throw .invalidToken("Token is larger than \(maximumSize) bytes") }
            guard !bytes.isEmpty else { throw .invalidToken("Not enough segments") }
            guard let firstDot = UnverifiedToken.dot(in: bytes, from: 0), let secondDot = UnverifiedToken.dot(in: bytes, from: firstDot + 1) else {
                throw .invalidToken("Not enough segments")
            }
            guard UnverifiedToken.dot(in: bytes, from: secondDot + 1) == nil else { throw .invalidToken("Too many segments") }
            let headerSegment = UnsafeRawBufferPointer(rebasing: bytes[0..<firstDot])
            if let known = knownHeaders.first(where: { $0.matches(headerSegment) }) {
                header = known.header
                knownKeyIndex = known.keyIndex
            } else {
                header = try UnverifiedToken.header(headerSegment)
                knownKeyIndex = nil
            }
            self.firstDot = firstDot
            self.secondDot = secondDot
        }

        /// The signing input, `header.payload`, in the `bytes` the token was read from.
        func signingInput(of bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[0..<secondDot])
        }

        /// The signature segment, still base64url-encoded, in the `bytes` the token was read from.
        func signatureSegment(of bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[(secondDot + 1)...])
        }

        /// Runs `body` on the signature decoded from the `bytes` the token was read from, on the stack.
        /// - Throws: `invalid_token` when the signature segment is not canonical base64url; what `body` throws.
        func withSignature<Result>(
            of bytes: UnsafeRawBufferPointer,
            _ body: (UnsafeRawBufferPointer) throws(JWTAuthError) -> Result
        ) throws(JWTAuthError) -> Result {
            let segment = signatureSegment(of: bytes)
            guard let count = Base64URL.decodedCount(segment.count) else { throw .invalidToken("Invalid crypto padding") }
            return try withUnsafeTemporaryAllocation(byteCount: max(count, 1), alignment: 1) { buffer throws(JWTAuthError) in
                guard Base64URL.decode(segment, into: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)) else {
                    throw .invalidToken("Invalid crypto padding")
                }
                return try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
            }
        }

        /// The payload segment, still base64url-encoded, in the `bytes` the token was read from.
        func payloadSegment(of bytes: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
            UnsafeRawBufferPointer(rebasing: bytes[(firstDot + 1)..<secondDot])
        }
    }

    /// The offset of the first `.` at or after `start`, found by memchr rather than byte by byte.
    static func dot(in bytes: UnsafeRawBufferPointer, from start: Int) -> Int? {
        guard start < bytes.count, let base = bytes.baseAddress,
            let found = memchr(base + start, Int32(UInt8(ascii: ".")), bytes.count - start)
        else { return nil }
        return base.distance(to: UnsafeRawPointer(found))
    }

    /// Decodes and checks a header segment: canonical base64url, a JSON object with a string `alg`,
    /// no `crit`, and `kid` and `typ` strings when present.
    static func header(_ segment: UnsafeRawBufferPointer) throws(JWTAuthError) -> JWSHeader {
        guard let headerBytes = Base64URL.decode(segment) else {
            throw .invalidToken("Invalid header padding")
        }
        let members: [String: JSONValue]
        do {
            members = try JSONParser().parseObject(headerBytes)
        } catch {
            throw .invalidToken("Invalid header string: \(error.description)")
        }
        let header = JWSHeader(members: members)
        guard header.algorithm != nil else { throw .invalidToken("The header has no string alg") }
        if members["crit"] != nil {
            // RFC 7515 §4.1.11: extensions listed in crit must be understood; JWTAuth understands none.
            throw .invalidToken("Unsupported critical header parameters")
        }
        if header.keyID == nil, members["kid"] != nil { throw .invalidToken("The header's kid is not a string") }
        if header.type == nil, members["typ"] != nil { throw .invalidToken("The header's typ is not a string") }
        return header
    }

    /// The payload bytes; nil when the segment is not canonical base64url.
    public var payload: [UInt8]? {
        payloadSegment.withUnsafeBytes { Base64URL.decode($0) }
    }

    /// The payload read as a JWT claims set (a JSON object).
    /// - Throws: `invalid_token` for bad base64url or JSON.
    public func claims() throws(JWTAuthError) -> JWTClaims {
        guard let payload else { throw .invalidToken("Invalid payload padding") }
        do {
            return JWTClaims(members: try JSONParser().parseObject(payload))
        } catch {
            throw .invalidToken("Invalid payload string: \(error.description)")
        }
    }

    /// The claims set in the base64url `payloadSegment`, with the registered claims that validation reads gathered as
    /// they are parsed: ``claims()`` without the payload decoded into an array.
    /// - Throws: `invalid_token` for bad base64url or JSON.
    static func claims(_ payloadSegment: UnsafeRawBufferPointer) throws(JWTAuthError) -> (JWTClaims, RegisteredClaims) {
        guard let count = Base64URL.decodedCount(payloadSegment.count) else { throw .invalidToken("Invalid payload padding") }
        let parsed: Result<(JWTClaims, RegisteredClaims), JWTAuthError> =
            withUnsafeTemporaryAllocation(byteCount: max(count, 1), alignment: 1) { buffer in
                guard Base64URL.decode(payloadSegment, into: buffer.baseAddress!.assumingMemoryBound(to: UInt8.self)) else {
                    return .failure(.invalidToken("Invalid payload padding"))
                }
                let payload = UnsafeRawBufferPointer(rebasing: buffer[0..<count])
                let parser = JSONParser()
                // The common claims set is checked without being built; the rest is parsed now.
                if let (registered, known) = parser.scanClaims(payload) {
                    return .success((JWTClaims(deferred: payload, known: known, registered: registered), registered))
                }
                do throws(JSONParser.Failure) {
                    let (members, registered) = try parser.parseClaims(payload)
                    return .success((JWTClaims(members: members), registered))
                } catch {
                    return .failure(.invalidToken("Invalid payload string: \(error.description)"))
                }
            }
        return try parsed.get()
    }
}
