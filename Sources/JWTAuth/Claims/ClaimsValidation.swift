/// The checks applied to a claims set after its signature verified, in this order: `exp`, `nbf`,
/// `iat`, `iss`, `aud`, the types of `sub`/`jti`/`type`/`sid`, then required claims.
public struct ClaimsValidation: Sendable {
    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to zero.
    public var leeway: Duration {
        didSet { leewaySeconds = leeway.seconds }
    }
    /// `leeway` in seconds, worked out once instead of for every token.
    private var leewaySeconds: Double
    /// The `iss` a token must carry. Defaults to none (not checked).
    public var issuer: String?
    /// A value the token's `aud` must contain. Defaults to none: then a token that names an audience is refused.
    public var audience: String?
    /// Claims that must be present. Defaults to none.
    public var requiredClaims: Set<String> {
        didSet { requiredChecks = Self.requiredChecks(requiredClaims) }
    }
    /// `requiredClaims` in the order they are checked, each registered claim among them already recognised:
    /// worked out once instead of for every token.
    private var requiredChecks: [(name: String, registered: RegisteredClaim?)]
    /// Whether a passed `exp` is accepted (it must still be a valid NumericDate); for `allowExpired` decoding.
    var acceptsExpired = false

    public init(leeway: Duration = .zero, issuer: String? = nil, audience: String? = nil, requiredClaims: Set<String> = []) {
        self.leeway = leeway
        self.leewaySeconds = leeway.seconds
        self.issuer = issuer
        self.audience = audience
        self.requiredClaims = requiredClaims
        self.requiredChecks = Self.requiredChecks(requiredClaims)
    }

    private static func requiredChecks(_ names: Set<String>) -> [(name: String, registered: RegisteredClaim?)] {
        names.sorted().map { ($0, RegisteredClaim($0)) }
    }

    /// The latest NumericDate accepted: 9999-12-31T23:59:59Z.
    static let latestDate: Double = 253_402_300_799

    /// Checks `claims` at time `now`.
    /// - Throws: `token_expired`, or `invalid_token` naming the claim at fault.
    public func validate(_ claims: JWTClaims, now: Double) throws(JWTAuthError) {
        try validate(claims, claims.registeredClaims, now: now)
    }

    /// ``validate(_:now:)`` of `claims`, whose registered claims were already gathered (as they were parsed).
    func validate(_ claims: JWTClaims, _ registered: RegisteredClaims, now: Double) throws(JWTAuthError) {
        let leeway = leewaySeconds
        if let exp = try registered.exp.value("exp", "Expiration Time"), !acceptsExpired, exp <= now - leeway {
            throw .tokenExpired
        }
        if let nbf = try registered.nbf.value("nbf", "Not Before"), nbf > now + leeway {
            throw .invalidToken("The token is not yet valid (nbf)")
        }
        if let iat = try registered.iat.value("iat", "Issued At"), iat > now + leeway {
            throw .invalidToken("The token is not yet valid (iat)")
        }
        try validateIssuerAndAudience(iss: registered.iss, aud: registered.aud)
        try registered.sub.requireString("sub")
        try registered.jti.requireString("jti")
        try registered.type.requireString("type")
        try registered.sid.requireString("sid")
        if let iss = registered.iss, iss.stringValue == nil { throw .invalidToken("The iss claim must be a string") }
        for (name, claim) in requiredChecks {
            let present = if let claim { registered.contains(claim) } else { claims[name] != nil }
            if !present { throw .invalidToken("Token is missing the \"\(name)\" claim") }
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
}

/// The registered claims validation reads, gathered in one pass over the members, or while they are parsed. A date
/// is kept as its number and a claim that must be a string as whether it is one, so that no value is copied; only
/// `iss` and `aud`, compared with the expected values, are kept as they are.
struct RegisteredClaims {
    var exp = NumericDate.absent
    var nbf = NumericDate.absent
    var iat = NumericDate.absent
    var sub = StringClaim.absent
    var jti = StringClaim.absent
    var type = StringClaim.absent
    var sid = StringClaim.absent
    var iss: JSONValue?
    var aud: JSONValue?

    init() {}

    init(_ members: [String: JSONValue]) {
        for (name, value) in members {
            if let claim = RegisteredClaim(name) { observe(claim, value) }
        }
    }

    /// Takes in the member `claim` of the claims set.
    mutating func observe(_ claim: RegisteredClaim, _ value: JSONValue) {
        switch claim {
        case .exp: exp = NumericDate(value)
        case .nbf: nbf = NumericDate(value)
        case .iat: iat = NumericDate(value)
        case .sub: sub = StringClaim(value)
        case .jti: jti = StringClaim(value)
        case .type: type = StringClaim(value)
        case .sid: sid = StringClaim(value)
        case .iss: iss = value
        case .aud: aud = value
        }
    }

    func contains(_ claim: RegisteredClaim) -> Bool {
        switch claim {
        case .exp: exp.isPresent
        case .nbf: nbf.isPresent
        case .iat: iat.isPresent
        case .sub: sub != .absent
        case .jti: jti != .absent
        case .type: type != .absent
        case .sid: sid != .absent
        case .iss: iss != nil
        case .aud: aud != nil
        }
    }

    /// A date claim: absent, a valid NumericDate, or anything else.
    enum NumericDate {
        case absent
        case valid(Double)
        case invalid

        init(_ value: JSONValue) {
            let number: Double
            switch value {
            case .int(let integer): number = Double(integer)
            case .double(let double): number = double
            default:
                self = .invalid
                return
            }
            self = number.isFinite && number >= 0 && number <= ClaimsValidation.latestDate ? .valid(number) : .invalid
        }

        var isPresent: Bool {
            if case .absent = self { return false }
            return true
        }

        /// The date; nil when absent. - Throws: `invalid_token` when it is not a valid NumericDate.
        func value(_ name: String, _ title: String) throws(JWTAuthError) -> Double? {
            switch self {
            case .absent: return nil
            case .valid(let date): return date
            case .invalid: throw .invalidToken("\(title) claim (\(name)) must be a number between 0 and 253402300799")
            }
        }
    }

    /// A claim that must be a string when present.
    enum StringClaim {
        case absent
        case string
        case other

        init(_ value: JSONValue) {
            if case .string = value { self = .string } else { self = .other }
        }

        func requireString(_ name: String) throws(JWTAuthError) {
            if self == .other { throw .invalidToken("The \(name) claim must be a string") }
        }
    }
}

/// The name of a registered claim that validation reads.
enum RegisteredClaim {
    case exp, nbf, iat, iss, aud, sub, jti, type, sid

    /// The claim named by the UTF-8 bytes `name`, or nil. Names are compared byte for byte: no string that is
    /// canonically equivalent to one of these ASCII names is spelled otherwise.
    init?(_ name: UnsafeRawBufferPointer) {
        switch name.count {
        case 3:
            switch (name[0], name[1], name[2]) {
            case (UInt8(ascii: "e"), UInt8(ascii: "x"), UInt8(ascii: "p")): self = .exp
            case (UInt8(ascii: "n"), UInt8(ascii: "b"), UInt8(ascii: "f")): self = .nbf
            case (UInt8(ascii: "i"), UInt8(ascii: "a"), UInt8(ascii: "t")): self = .iat
            case (UInt8(ascii: "i"), UInt8(ascii: "s"), UInt8(ascii: "s")): self = .iss
            case (UInt8(ascii: "a"), UInt8(ascii: "u"), UInt8(ascii: "d")): self = .aud
            case (UInt8(ascii: "s"), UInt8(ascii: "u"), UInt8(ascii: "b")): self = .sub
            case (UInt8(ascii: "j"), UInt8(ascii: "t"), UInt8(ascii: "i")): self = .jti
            case (UInt8(ascii: "s"), UInt8(ascii: "i"), UInt8(ascii: "d")): self = .sid
            default: return nil
            }
        case 4:
            guard name[0] == UInt8(ascii: "t"), name[1] == UInt8(ascii: "y"), name[2] == UInt8(ascii: "p"), name[3] == UInt8(ascii: "e")
            else { return nil }
            self = .type
        default: return nil
        }
    }

    /// The claim named `name`, or nil.
    init?(_ name: String) {
        var name = name
        guard let claim = name.withUTF8({ RegisteredClaim(UnsafeRawBufferPointer($0)) }) else { return nil }
        self = claim
    }

    /// The claim's name.
    var name: String {
        switch self {
        case .exp: "exp"
        case .nbf: "nbf"
        case .iat: "iat"
        case .iss: "iss"
        case .aud: "aud"
        case .sub: "sub"
        case .jti: "jti"
        case .type: "type"
        case .sid: "sid"
        }
    }
}
