import FoundationEssentials

extension TokenIssuer {
    /// An access token for `subject` carrying the members of `claims`, any `Encodable` that encodes as a JSON
    /// object (`additional_claims`); a `Date` member becomes a NumericDate, a `nil` optional is left out.
    ///
    /// The claims go through the same checks as a dictionary's: a member named like a claim the issuer writes
    /// (`sub`, `exp`, `jti`, …, or a configured `iss`/`aud`) is refused, never written over the issuer's.
    /// - Throws: `invalid_configuration` for such a member, claims that do not encode as an object, or a
    ///   lifetime that is not positive.
    @_disfavoredOverload
    public func accessToken(
        for subject: String,
        fresh: Freshness = .notFresh,
        sessionID: String? = nil,
        csrf: String? = nil,
        claims: some Encodable,
        expiresIn: Duration? = nil
    ) throws(JWTAuthError) -> IssuedToken {
        let members = try Self.members(encoding: claims)
        return try accessToken(for: subject, fresh: fresh, sessionID: sessionID, csrf: csrf, claims: members, expiresIn: expiresIn)
    }

    /// A refresh token for `subject` carrying the members of `claims`, checked as for an access token.
    /// - Throws: `invalid_configuration` for a member named like a claim the issuer writes, claims that do not
    ///   encode as an object, or a lifetime that is not positive.
    @_disfavoredOverload
    public func refreshToken(
        for subject: String,
        sessionID: String? = nil,
        csrf: String? = nil,
        claims: some Encodable,
        expiresIn: Duration? = nil
    ) throws(JWTAuthError) -> IssuedToken {
        try refreshToken(for: subject, sessionID: sessionID, csrf: csrf, claims: Self.members(encoding: claims), expiresIn: expiresIn)
    }

    /// An access and a refresh token of one session, both carrying the members of `claims`.
    /// - Throws: `invalid_configuration` for a member named like a claim the issuer writes, claims that do not
    ///   encode as an object, or a lifetime that is not positive.
    @_disfavoredOverload
    public func tokenPair(
        for subject: String,
        fresh: Freshness = .fresh,
        sessionID: String? = nil,
        claims: some Encodable,
        accessExpiresIn: Duration? = nil,
        refreshExpiresIn: Duration? = nil
    ) throws(JWTAuthError) -> TokenPair {
        try tokenPair(
            for: subject,
            fresh: fresh,
            sessionID: sessionID,
            claims: Self.members(encoding: claims),
            accessExpiresIn: accessExpiresIn,
            refreshExpiresIn: refreshExpiresIn
        )
    }

    /// The members `claims` encodes to; `nil` (JSON `null`) is no claims.
    package static func members(encoding claims: some Encodable) throws(JWTAuthError) -> [String: JSONValue] {
        let value: JSONValue
        do {
            value = try JSONValue(encoding: claims)
        } catch let error as EncodingError {
            // The path only: the value itself may be a secret.
            guard case .invalidValue(_, let context) = error else { throw .invalidConfiguration("The claims cannot be encoded") }
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidConfiguration("The claims cannot be encoded (\(path.isEmpty ? "the value" : path) is not valid JSON)")
        } catch {
            throw .invalidConfiguration("The claims cannot be encoded")
        }
        switch value {
        case .object(let members): return members
        case .null: return [:]
        default: throw .invalidConfiguration("The claims must encode as a JSON object")
        }
    }
}
