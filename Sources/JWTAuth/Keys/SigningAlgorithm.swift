/// A JWS signature algorithm (RFC 7518, RFC 8037). `none` is not one and never will be.
public struct SigningAlgorithm: Sendable, Hashable, CustomStringConvertible {
    /// The family of keys an algorithm works with; a key only ever signs with its own family.
    public struct Family: Sendable, Hashable, CustomStringConvertible {
        public let description: String
        private init(_ description: String) { self.description = description }
        public static let hmac = Self("HMAC")
        public static let rsa = Self("RSA")
        public static let rsaPSS = Self("RSA-PSS")
        public static let ecdsa = Self("ECDSA")
        public static let eddsa = Self("EdDSA")
    }

    /// The `alg` header value, e.g. `ES256`.
    public let name: String
    public let family: Family
    /// The digest size in bits (256, 384, 512); 0 for EdDSA, which hashes internally.
    public let digestBits: Int

    private init(_ name: String, _ family: Family, _ digestBits: Int) {
        self.name = name
        self.family = family
        self.digestBits = digestBits
    }

    public var description: String { name }

    /// True for the algorithms whose verification key can be published.
    public var isAsymmetric: Bool { family != .hmac }

    public static let hs256 = Self("HS256", .hmac, 256)
    public static let hs384 = Self("HS384", .hmac, 384)
    public static let hs512 = Self("HS512", .hmac, 512)
    public static let rs256 = Self("RS256", .rsa, 256)
    public static let rs384 = Self("RS384", .rsa, 384)
    public static let rs512 = Self("RS512", .rsa, 512)
    public static let ps256 = Self("PS256", .rsaPSS, 256)
    public static let ps384 = Self("PS384", .rsaPSS, 384)
    public static let ps512 = Self("PS512", .rsaPSS, 512)
    public static let es256 = Self("ES256", .ecdsa, 256)
    public static let es384 = Self("ES384", .ecdsa, 384)
    public static let es512 = Self("ES512", .ecdsa, 512)
    public static let eddsa = Self("EdDSA", .eddsa, 0)

    /// Every algorithm JWTAuth implements.
    public static let all: [Self] = [
        .hs256, .hs384, .hs512, .rs256, .rs384, .rs512, .ps256, .ps384, .ps512, .es256, .es384, .es512, .eddsa,
    ]

    /// The algorithm with this exact `alg` name (case-sensitive, as RFC 7515 requires), or nil.
    public init?(name: String) {
        switch name {
        case "HS256": self = .hs256
        case "HS384": self = .hs384
        case "HS512": self = .hs512
        case "RS256": self = .rs256
        case "RS384": self = .rs384
        case "RS512": self = .rs512
        case "PS256": self = .ps256
        case "PS384": self = .ps384
        case "PS512": self = .ps512
        case "ES256": self = .es256
        case "ES384": self = .es384
        case "ES512": self = .es512
        case "EdDSA": self = .eddsa
        default: return nil
        }
    }
}
