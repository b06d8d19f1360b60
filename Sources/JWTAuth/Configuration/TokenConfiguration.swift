/// How tokens are issued and checked. Every default is here; the value is checked once, when an
/// issuer or verifier is made, never per request.
public struct TokenConfiguration: Sendable {
    /// Lifetime of an access token. Defaults to 15 minutes.
    public var accessTokenLifetime: Duration
    /// Lifetime of a refresh token. Defaults to 7 days.
    public var refreshTokenLifetime: Duration
    /// Clock skew tolerated on `exp`, `nbf` and `iat`. Defaults to zero.
    public var leeway: Duration
    /// The `iss` written into tokens and required of them. Defaults to none.
    public var issuer: String?
    /// The `aud` written into tokens and required of them. Defaults to none.
    public var audience: String?
    /// The algorithms a token may use. Defaults to nil: the algorithms of the configured keys.
    public var allowedAlgorithms: Set<SigningAlgorithm>?
    /// The largest token accepted, in bytes. Defaults to 8 KiB.
    public var maximumTokenSize: Int
    /// Claims a token must carry. Defaults to `exp`, `sub`, `jti` and `type` (plus `iss`/`aud` when set).
    public var requiredClaims: Set<String>
    /// Whether tokens carry a `csrf` claim for cookie double submit. Defaults to false.
    public var includesCSRFClaim: Bool

    public init(
        accessTokenLifetime: Duration = .seconds(15 * 60),
        refreshTokenLifetime: Duration = .seconds(7 * 24 * 3600),
        leeway: Duration = .zero,
        issuer: String? = nil,
        audience: String? = nil,
        allowedAlgorithms: Set<SigningAlgorithm>? = nil,
        maximumTokenSize: Int = UnverifiedToken.defaultMaximumSize,
        requiredClaims: Set<String> = ["exp", "sub", "jti", "type"],
        includesCSRFClaim: Bool = false
    ) {
        self.accessTokenLifetime = accessTokenLifetime
        self.refreshTokenLifetime = refreshTokenLifetime
        self.leeway = leeway
        self.issuer = issuer
        self.audience = audience
        self.allowedAlgorithms = allowedAlgorithms
        self.maximumTokenSize = maximumTokenSize
        self.requiredClaims = requiredClaims
        self.includesCSRFClaim = includesCSRFClaim
    }

    /// The claim checks this configuration implies.
    public var claimsValidation: ClaimsValidation {
        var required = requiredClaims
        if issuer != nil { required.insert("iss") }
        if audience != nil { required.insert("aud") }
        return ClaimsValidation(leeway: leeway, issuer: issuer, audience: audience, requiredClaims: required)
    }

    /// Checks the settings. - Throws: `invalid_configuration` naming the first bad one.
    public func validate() throws(JWTAuthError) {
        guard accessTokenLifetime > .zero else { throw .invalidConfiguration("accessTokenLifetime must be positive") }
        guard refreshTokenLifetime > .zero else { throw .invalidConfiguration("refreshTokenLifetime must be positive") }
        guard leeway >= .zero else { throw .invalidConfiguration("leeway must not be negative") }
        guard maximumTokenSize > 0 else { throw .invalidConfiguration("maximumTokenSize must be positive") }
        if let allowedAlgorithms, allowedAlgorithms.isEmpty { throw .invalidConfiguration("allowedAlgorithms is empty") }
    }
}
