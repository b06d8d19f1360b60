package import HTTPTypes
package import JWTAuth

extension JWTCookieConfiguration {
    /// Whether a cookie-borne token on a request with `method` needs the CSRF double submit.
    package func requiresCSRF(_ method: HTTPRequest.Method) -> Bool {
        csrfProtection && csrfMethods.contains(method)
    }

    /// The double submit: the `presented` value (header or form field) must equal the token's `csrf` claim.
    /// - Throws: `csrf_failed` when either is missing or they differ.
    package static func checkCSRF(presented: String?, claims: JWTClaims) throws(JWTAuthError) {
        guard let presented, !presented.isEmpty else { throw .csrfFailed("Missing CSRF token") }
        guard let expected = claims.csrf else { throw .csrfFailed("Missing claim: csrf") }
        guard ConstantTime.equals(presented, expected) else { throw .csrfFailed("CSRF double submit tokens do not match") }
    }

    /// The four cookies, each with its own path (nil: ``path``) and whether it is HttpOnly, in the order
    /// they are cleared.
    package var allCookies: [(name: String, path: String?, httpOnly: Bool)] {
        [
            (accessCookieName, accessCookiePath, true), (accessCSRFCookieName, accessCSRFCookiePath, false),
            (refreshCookieName, refreshCookiePath, true), (refreshCSRFCookieName, refreshCSRFCookiePath, false),
        ]
    }

    /// The cookies that carry `token`: the token's own (HttpOnly) and, when it has a `csrf` claim, its
    /// readable CSRF cookie, each with its path (nil: ``path``).
    package func cookies(carrying token: IssuedToken, refresh: Bool) -> [(name: String, value: String, path: String?, httpOnly: Bool)] {
        var cookies = [
            refresh
                ? (refreshCookieName, token.token, refreshCookiePath, true)
                : (accessCookieName, token.token, accessCookiePath, true)
        ]
        if let csrf = token.claims.csrf {
            cookies.append(
                refresh ? (refreshCSRFCookieName, csrf, refreshCSRFCookiePath, false) : (accessCSRFCookieName, csrf, accessCSRFCookiePath, false)
            )
        }
        return cookies
    }

    /// `Max-Age` for a token cookie: nil for session cookies, else the seconds until `expiresAt`.
    package func maxAge(expiresAt: Double?, now: Double) -> Int? {
        guard !sessionCookies, let expiresAt else { return nil }
        return max(0, Int(expiresAt - now))
    }

    /// `SameSite`'s value, `Strict`, `None` or `Lax` (anything else).
    package var sameSitePolicy: String {
        switch sameSite.lowercased() {
        case "strict": "Strict"
        case "none": "None"
        default: "Lax"
        }
    }

    /// Whether cookies are `Secure`: when configured, and always with `SameSite=None` (browsers require it).
    package var isSecure: Bool { secure || sameSitePolicy == "None" }
}
