/// The checks applied to a claims set after its signature verified, in this order: `exp`, `nbf`,
/// `iat`, `iss`, `aud`, the types of `sub`/`jti`/`type`/`sid`, then required claims.
public struct ClaimsValidation: Sendable {
    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to zero.
    public var leeway: Duration
    /// The `iss` a token must carry. Defaults to none (not checked).
    public var issuer: String?
    /// A value the token's `aud` must contain. Defaults to none: then a token that names an audience is refused.
    public var audience: String?
    /// Claims that must be present. Defaults to none.
    public var requiredClaims: Set<String>

    public init(leeway: Duration = .zero, issuer: String? = nil, audience: String? = nil, requiredClaims: Set<String> = []) {
        self.leeway = leeway
        self.issuer = issuer
        self.audience = audience
        self.requiredClaims = requiredClaims
    }

    /// The latest NumericDate accepted: 9999-12-31T23:59:59Z.
    static let latestDate: Double = 253_402_300_799

    /// Checks `claims` at time `now`.
    /// - Throws: `token_expired`, or `invalid_token` naming the claim at fault.
    public func validate(_ claims: JWTClaims, now: Double) throws(JWTAuthError) {
        let leeway = self.leeway.seconds
        if let exp = try Self.numericDate(claims, "exp", "Expiration Time"), exp <= now - leeway {
            throw .tokenExpired
        }
        if let nbf = try Self.numericDate(claims, "nbf", "Not Before"), nbf > now + leeway {
            throw .invalidToken("The token is not yet valid (nbf)")
        }
        if let iat = try Self.numericDate(claims, "iat", "Issued At"), iat > now + leeway {
            throw .invalidToken("The token is not yet valid (iat)")
        }
        try validateIssuerAndAudience(claims)
        for name in ["sub", "jti", "type", "sid", "iss"] where claims.members[name] != nil && claims.members[name]?.stringValue == nil {
            throw .invalidToken("The \(name) claim must be a string")
        }
        for name in requiredClaims.sorted() where claims.members[name] == nil {
            throw .invalidToken("Token is missing the \"\(name)\" claim")
        }
    }

    private func validateIssuerAndAudience(_ claims: JWTClaims) throws(JWTAuthError) {
        if let issuer {
            guard claims.members["iss"] != nil else { throw .invalidToken("Token is missing the \"iss\" claim") }
            guard claims.issuer == issuer else { throw .invalidToken("Invalid issuer") }
        }
        let aud = claims.members["aud"]
        switch aud {
        case nil:
            if audience != nil { throw .invalidToken("Token is missing the \"aud\" claim") }
        case .string, .array:
            if case .array(let values) = aud, values.contains(where: { $0.stringValue == nil }) {
                throw .invalidToken("Invalid claim format in token (aud)")
            }
            guard let audience else { throw .invalidToken("Invalid audience") }
            guard claims.audience.contains(audience) else { throw .invalidToken("Invalid audience") }
        default:
            throw .invalidToken("Invalid claim format in token (aud)")
        }
    }

    private static func numericDate(_ claims: JWTClaims, _ name: String, _ title: String) throws(JWTAuthError) -> Double? {
        guard let value = claims.members[name] else { return nil }
        guard let number = value.doubleValue, number.isFinite, number >= 0, number <= latestDate else {
            throw .invalidToken("\(title) claim (\(name)) must be a number between 0 and 253402300799")
        }
        return number
    }
}
