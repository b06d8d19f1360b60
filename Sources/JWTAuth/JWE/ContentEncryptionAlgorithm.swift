/// A JWE content encryption algorithm (RFC 7518 §5): AES-GCM or AES-CBC with HMAC-SHA-2.
public struct ContentEncryptionAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// The `enc` header value, e.g. `A256GCM`.
    public let name: String
    /// The length of the content encryption key in bytes (both halves for AES-CBC-HMAC).
    public let keyByteCount: Int
    let ivByteCount: Int
    let tagByteCount: Int
    /// False for AES-CBC with HMAC.
    let isGCM: Bool

    private init(_ name: String, key: Int, iv: Int, tag: Int, gcm: Bool) {
        self.name = name
        self.keyByteCount = key
        self.ivByteCount = iv
        self.tagByteCount = tag
        self.isGCM = gcm
    }

    public var description: String { name }

    public static let a128GCM = Self("A128GCM", key: 16, iv: 12, tag: 16, gcm: true)
    public static let a256GCM = Self("A256GCM", key: 32, iv: 12, tag: 16, gcm: true)
    public static let a128CBCHS256 = Self("A128CBC-HS256", key: 32, iv: 16, tag: 16, gcm: false)
    public static let a256CBCHS512 = Self("A256CBC-HS512", key: 64, iv: 16, tag: 32, gcm: false)

    /// Every content encryption algorithm JWTAuth implements.
    public static let all: [Self] = [.a128GCM, .a256GCM, .a128CBCHS256, .a256CBCHS512]

    /// The algorithm with this exact `enc` name, or nil.
    public init?(name: String) {
        guard let found = Self.all.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// The algorithm `dir` uses by default with a key of `byteCount` bytes.
    static func direct(forKeyOf byteCount: Int) -> Self? {
        switch byteCount {
        case 16: .a128GCM
        case 32: .a256GCM
        case 64: .a256CBCHS512
        default: nil
        }
    }
}
