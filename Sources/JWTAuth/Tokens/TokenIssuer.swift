import FoundationEssentials

/// A token just issued, with the claims it carries.
public struct IssuedToken: Sendable, Hashable {
    /// The compact JWS.
    public let token: String
    public let claims: JWTClaims

    /// `jti`.
    public var id: String { claims.id ?? "" }
    /// `exp`, seconds since 1970.
    public var expiresAt: Double { claims.expiresAt ?? 0 }
    /// `sid`.
    public var sessionID: String? { claims.sessionID }
}

/// An access and a refresh token of one session.
public struct TokenPair: Sendable, Hashable {
    public let access: IssuedToken
    public let refresh: IssuedToken

    public init(access: IssuedToken, refresh: IssuedToken) {
        self.access = access
        self.refresh = refresh
    }
}

/// Adds claims to every token issued for a subject (Flask-JWT-Extended's `additional_claims_loader`).
public typealias ClaimsProvider = @Sendable (_ subject: String, _ type: TokenType) -> [String: JSONValue]

/// Makes access and refresh tokens: `create_access_token` and `create_refresh_token`.
///
/// Each token carries `sub`, `iat`, `nbf`, `exp`, `jti` (a UUID), `type`, `sid` and, for access tokens,
/// `fresh`; `iss`, `aud` and `csrf` when configured; then the provider's and the caller's claims.
///
/// With an ``encryptionKey``, every token is a nested JWT (RFC 7519 §5.2): signed, then encrypted to that key
/// with `cty: "JWT"`, so that its holder cannot read its claims.
public struct TokenIssuer: Sendable {
    /// Claims that only the issuer writes.
    public static let reservedClaims: Set<String> = ["sub", "iat", "nbf", "exp", "jti", "type", "sid", "fresh", "csrf"]

    public let key: JWTKey
    public let configuration: TokenConfiguration
    public let clock: JWTClock
    public let claimsProvider: ClaimsProvider?
    /// The key every token is encrypted to after it is signed; nil for plain signed tokens. Defaults to none.
    public let encryptionKey: JWEKey?
    private let encodedHeader: [UInt8]

    /// An issuer signing with `key`.
    /// - Throws: `invalid_key` when the key cannot sign, `invalid_configuration` for bad settings.
    public init(
        key: JWTKey,
        configuration: TokenConfiguration = TokenConfiguration(),
        clock: JWTClock = .system,
        claimsProvider: ClaimsProvider? = nil,
        encryptingTo encryptionKey: JWEKey? = nil
    ) throws(JWTAuthError) {
        guard key.canSign else { throw .invalidKey("The key cannot sign: it is a public key") }
        try configuration.validate()
        self.key = key
        self.configuration = configuration
        self.clock = clock
        self.claimsProvider = claimsProvider
        self.encryptionKey = encryptionKey
        self.encodedHeader = Self.header(for: key)
    }

    /// An access token for `subject`; `fresh` as after a login, not fresh as after a refresh.
    ///
    /// `csrf` keeps a session's CSRF value when its tokens are re-issued; by default a new one is made
    /// when ``TokenConfiguration/includesCSRFClaim`` is set. `expiresIn` replaces
    /// ``TokenConfiguration/accessTokenLifetime`` for this token (`expires_delta`).
    /// - Throws: `invalid_configuration` for a claim the issuer writes itself, or a lifetime that is not positive.
    public func accessToken(
        for subject: String,
        fresh: Freshness = .notFresh,
        sessionID: String? = nil,
        csrf: String? = nil,
        claims: [String: JSONValue] = [:],
        expiresIn: Duration? = nil
    ) throws(JWTAuthError) -> IssuedToken {
        let sid = sessionID ?? Self.newID()
        return try issue(.access, for: subject, fresh: fresh, sessionID: sid, csrf: csrf, claims: claims, lifetime: expiresIn, now: clock.now)
    }

    /// A refresh token for `subject`; `expiresIn` replaces ``TokenConfiguration/refreshTokenLifetime`` for this token.
    /// - Throws: `invalid_configuration` for a claim the issuer writes itself, or a lifetime that is not positive.
    public func refreshToken(
        for subject: String,
        sessionID: String? = nil,
        csrf: String? = nil,
        claims: [String: JSONValue] = [:],
        expiresIn: Duration? = nil
    ) throws(JWTAuthError) -> IssuedToken {
        let sid = sessionID ?? Self.newID()
        return try issue(.refresh, for: subject, fresh: nil, sessionID: sid, csrf: csrf, claims: claims, lifetime: expiresIn, now: clock.now)
    }

    /// An access and a refresh token sharing one session (`sid`): what a login returns.
    ///
    /// `accessExpiresIn` and `refreshExpiresIn` replace the configured lifetimes for these two tokens.
    /// - Throws: `invalid_configuration` for a claim the issuer writes itself, or a lifetime that is not positive.
    public func tokenPair(
        for subject: String,
        fresh: Freshness = .fresh,
        sessionID: String? = nil,
        claims: [String: JSONValue] = [:],
        accessExpiresIn: Duration? = nil,
        refreshExpiresIn: Duration? = nil
    ) throws(JWTAuthError) -> TokenPair {
        let now = clock.now
        let sid = sessionID ?? Self.newID()
        // One CSRF value per session, so that re-issued tokens keep the browser's double-submit cookie valid.
        let csrf = configuration.includesCSRFClaim ? Self.newID() : nil
        return TokenPair(
            access: try issue(.access, for: subject, fresh: fresh, sessionID: sid, csrf: csrf, claims: claims, lifetime: accessExpiresIn, now: now),
            refresh: try issue(.refresh, for: subject, fresh: nil, sessionID: sid, csrf: csrf, claims: claims, lifetime: refreshExpiresIn, now: now)
        )
    }

    /// Signs an arbitrary claims set, with nothing added (`jwt.encode`); encrypts it too with an ``encryptionKey``.
    public func sign(claims: JWTClaims) throws(JWTAuthError) -> String {
        var payload: [UInt8] = []
        JSONWriter.write(.object(claims.members), into: &payload)
        return try sign(payload: payload)
    }

    private func issue(
        _ type: TokenType,
        for subject: String,
        fresh: Freshness?,
        sessionID: String,
        csrf: String?,
        claims extra: [String: JSONValue],
        lifetime: Duration?,
        now: Double
    ) throws(JWTAuthError) -> IssuedToken {
        let issuedAt = Int64(now.rounded(.down))
        let lifetime = lifetime ?? (type == .refresh ? configuration.refreshTokenLifetime : configuration.accessTokenLifetime)
        guard lifetime > .zero else { throw .invalidConfiguration("A token lifetime must be positive") }
        // Past the latest NumericDate a verifier accepts, the token could never be used.
        let seconds = lifetime.seconds.rounded(.up)
        guard seconds <= ClaimsValidation.latestDate - Double(issuedAt) else {
            throw .invalidConfiguration("A token lifetime must end before the year 10000")
        }
        let expiresAt = issuedAt + Int64(seconds)
        var members: [String: JSONValue] = [
            "sub": .string(subject), "iat": .int(issuedAt), "nbf": .int(issuedAt), "exp": .int(expiresAt),
            "jti": .string(Self.newID()), "type": .string(type.name), "sid": .string(sessionID),
        ]
        if let fresh { members["fresh"] = fresh.json }
        if let issuer = configuration.issuer { members["iss"] = .string(issuer) }
        if let audience = configuration.audience { members["aud"] = .string(audience) }
        if configuration.includesCSRFClaim { members["csrf"] = .string(csrf ?? Self.newID()) }
        for source in [claimsProvider?(subject, type) ?? [:], extra] {
            for (name, value) in source {
                guard !Self.reservedClaims.contains(name) else { throw .invalidConfiguration("The claim \(name) is reserved") }
                // A configured issuer or audience is the issuer's to write: a caller cannot re-point a token.
                if (name == "iss" && configuration.issuer != nil) || (name == "aud" && configuration.audience != nil) {
                    throw .invalidConfiguration("The claim \(name) is set by the configuration")
                }
                members[name] = value
            }
        }
        let claims = JWTClaims(members: members)
        return IssuedToken(token: try sign(payload: Self.payload(members)), claims: claims)
    }

    /// Writes the registered claims first, in a fixed order, then the rest sorted by name.
    private static func payload(_ members: [String: JSONValue]) -> [UInt8] {
        var output: [UInt8] = [UInt8(ascii: "{")]
        output.reserveCapacity(256)
        var first = true
        func member(_ name: String, _ value: JSONValue) {
            if !first { output.append(UInt8(ascii: ",")) }
            first = false
            JSONWriter.writeMemberName(name, into: &output)
            JSONWriter.write(value, into: &output)
        }
        let order = ["sub", "iat", "nbf", "exp", "jti", "type", "sid", "fresh", "iss", "aud", "csrf"]
        for name in order { if let value = members[name] { member(name, value) } }
        for (name, value) in members.sorted(by: { $0.key < $1.key }) where !order.contains(name) { member(name, value) }
        output.append(UInt8(ascii: "}"))
        return output
    }

    private func sign(payload: [UInt8]) throws(JWTAuthError) -> String {
        var input = encodedHeader
        input.reserveCapacity(input.count + payload.count * 4 / 3 + 100)
        input.append(UInt8(ascii: "."))
        Base64URL.encode(payload, into: &input)
        let signature = try key.sign(input)
        input.append(UInt8(ascii: "."))
        Base64URL.encode(signature, into: &input)
        if let encryptionKey { return try encryptionKey.encrypt(input, contentType: "JWT") }
        return String(decoding: input, as: UTF8.self)
    }

    /// The encoded header segment of every token `key` signs.
    static func header(for key: JWTKey) -> [UInt8] {
        var header: [String: JSONValue] = ["alg": .string(key.algorithm.name), "typ": "JWT"]
        if let keyID = key.keyID { header["kid"] = .string(keyID) }
        var output: [UInt8] = []
        Base64URL.encode(JSONWriter.encode(.object(header), sortedKeys: true), into: &output)
        return output
    }

    /// A new random UUID, lowercased as Python's `str(uuid4())`.
    static func newID() -> String { UUID().uuidString.lowercased() }
}
