/// A JWE key management algorithm (RFC 7518 §4): how the content encryption key reaches the recipient.
///
/// `RSA1_5`, the PBES2 family and AES-GCM key wrap are not implemented and are refused in every token.
public struct KeyManagementAlgorithm: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        /// The key is the content encryption key.
        case direct
        /// AES key wrap (RFC 3394) with a key of this many bytes.
        case keyWrap(Int)
        /// ECDH-ES; with key wrap of this many bytes, or nil when the agreed key is the content key.
        case keyAgreement(wrapByteCount: Int?)
        /// RSAES-OAEP with SHA-1 (false) or SHA-256 (true) for both the hash and MGF1.
        case rsaOAEP(sha256: Bool)
    }

    /// The `alg` header value, e.g. `ECDH-ES+A256KW`.
    public let name: String
    let kind: Kind

    private init(_ name: String, _ kind: Kind) {
        self.name = name
        self.kind = kind
    }

    public var description: String { name }

    public static let dir = Self("dir", .direct)
    public static let a128KW = Self("A128KW", .keyWrap(16))
    public static let a256KW = Self("A256KW", .keyWrap(32))
    public static let ecdhES = Self("ECDH-ES", .keyAgreement(wrapByteCount: nil))
    public static let ecdhESA128KW = Self("ECDH-ES+A128KW", .keyAgreement(wrapByteCount: 16))
    public static let ecdhESA256KW = Self("ECDH-ES+A256KW", .keyAgreement(wrapByteCount: 32))
    public static let rsaOAEP = Self("RSA-OAEP", .rsaOAEP(sha256: false))
    public static let rsaOAEP256 = Self("RSA-OAEP-256", .rsaOAEP(sha256: true))

    /// Every key management algorithm JWTAuth implements.
    public static let all: [Self] = [.dir, .a128KW, .a256KW, .ecdhES, .ecdhESA128KW, .ecdhESA256KW, .rsaOAEP, .rsaOAEP256]

    /// The algorithm with this exact `alg` name, or nil.
    public init?(name: String) {
        guard let found = Self.all.first(where: { $0.name == name }) else { return nil }
        self = found
    }

    /// Whether the token's encrypted key segment is empty with this algorithm (`dir`, `ECDH-ES`).
    var hasEncryptedKey: Bool {
        switch kind {
        case .direct, .keyAgreement(wrapByteCount: nil): false
        default: true
        }
    }

    /// Whether the header carries an ephemeral public key (`epk`): the ECDH-ES family.
    var hasEphemeralKey: Bool {
        if case .keyAgreement = kind { return true }
        return false
    }

    /// Names of algorithms that exist but that JWTAuth refuses, so that an error can name them.
    static let refused: Set<String> = [
        "RSA1_5", "PBES2-HS256+A128KW", "PBES2-HS384+A192KW", "PBES2-HS512+A256KW", "A128GCMKW", "A192GCMKW", "A256GCMKW",
        "A192KW", "ECDH-ES+A192KW",
    ]
}
