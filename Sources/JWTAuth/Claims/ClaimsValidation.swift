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
    public var requiredClaims: Set<String> {
        didSet { sortedRequiredClaims = requiredClaims.sorted() }
    }
    /// `requiredClaims` in the order they are checked, sorted once instead of for every token.
    private var sortedRequiredClaims: [String]
    /// Whether a passed `exp` is accepted (it must still be a valid NumericDate); for `allowExpired` decoding.
    var acceptsExpired = false

    public init(leeway: Duration = .zero, issuer: String? = nil, audience: String? = nil, requiredClaims: Set<String> = []) {
        self.leeway = leeway
        self.issuer = issuer
        self.audience = audience
        self.requiredClaims = requiredClaims
        self.sortedRequiredClaims = requiredClaims.sorted()
    }

    /// The latest NumericDate accepted: 9999-12-31T23:59:59Z.
    static let latestDate: Double = 253_402_300_799

    /// Checks `claims` at time `now`.
    /// - Throws: `token_expired`, or `invalid_token` naming the claim at fault.
    public func validate(_ claims: JWTClaims, now: Double) throws(JWTAuthError) {
        let registered = RegisteredClaims(claims.members)
        let leeway = self.leeway.seconds
        if let exp = try Self.numericDate(registered.exp, "exp", "Expiration Time"), !acceptsExpired, exp <= now - leeway {
            throw .tokenExpired
        }
        if let nbf = try Self.numericDate(registered.nbf, "nbf", "Not Before"), nbf > now + leeway {
            throw .invalidToken("The token is not yet valid (nbf)")
        }
        if let iat = try Self.numericDate(registered.iat, "iat", "Issued At"), iat > now + leeway {
            throw .invalidToken("The token is not yet valid (iat)")
        }
        try validateIssuerAndAudience(iss: registered.iss, aud: registered.aud)
        try Self.requireString(registered.sub, "sub")
        try Self.requireString(registered.jti, "jti")
        try Self.requireString(registered.type, "type")
        try Self.requireString(registered.sid, "sid")
        try Self.requireString(registered.iss, "iss")
        for name in sortedRequiredClaims where !(registered.contains(name) ?? (claims.members[name] != nil)) {
            throw .invalidToken("Token is missing the \"\(name)\" claim")
        }
    }

    private func validateIssuerAndAudience(iss: JSONValue?, aud: JSONValue?) throws(JWTAuthError) {
        if let issuer {
            guard let iss else { throw .invalidToken("Token is missing the \"iss\" claim") }
            guard iss.stringValue == issuer else { throw .invalidToken("Invalid issuer") }
        }
        switch aud {
        case nil:
            if audience != nil { throw .invalidToken("Token is missing the \"aud\" claim") }
        case .string(let value):
            guard let audience, value == audience else { throw .invalidToken("Invalid audience") }
        case .array(let values):
            if values.contains(where: { $0.stringValue == nil }) { throw .invalidToken("Invalid claim format in token (aud)") }
            guard let audience, values.contains(where: { $0.stringValue == audience }) else { throw .invalidToken("Invalid audience") }
        default:
            throw .invalidToken("Invalid claim format in token (aud)")
        }
    }

    private static func requireString(_ value: JSONValue?, _ name: String) throws(JWTAuthError) {
        if let value, value.stringValue == nil { throw .invalidToken("The \(name) claim must be a string") }
    }

    private static func numericDate(_ value: JSONValue?, _ name: String, _ title: String) throws(JWTAuthError) -> Double? {
        guard let value else { return nil }
        guard let number = value.doubleValue, number.isFinite, number >= 0, number <= latestDate else {
            throw .invalidToken("\(title) claim (\(name)) must be a number between 0 and 253402300799")
        }
        return number
    }
}

/// The registered claims that validation reads, found in one pass over the members: comparing
/// short names costs less than hashing each one for a dictionary lookup.
private struct RegisteredClaims {
    var exp: JSONValue?
    var nbf: JSONValue?
    var iat: JSONValue?
    var iss: JSONValue?
    var aud: JSONValue?
    var sub: JSONValue?
    var jti: JSONValue?
    var type: JSONValue?
    var sid: JSONValue?

    init(_ members: [String: JSONValue]) {
        for (name, value) in members {
            switch name {
            case "exp": exp = value
            case "nbf": nbf = value
            case "iat": iat = value
            case "iss": iss = value
            case "aud": aud = value
            case "sub": sub = value
            case "jti": jti = value
            case "type": type = value
            case "sid": sid = value
            default: break
            }
        }
    }

    /// Whether the claim `name` is present; nil when `name` is not one of these claims.
    func contains(_ name: String) -> Bool? {
        switch name {
        case "exp": exp != nil
        case "nbf": nbf != nil
        case "iat": iat != nil
        case "iss": iss != nil
        case "aud": aud != nil
        case "sub": sub != nil
        case "jti": jti != nil
        case "type": type != nil
        case "sid": sid != nil
        default: nil
        }
    }
}
