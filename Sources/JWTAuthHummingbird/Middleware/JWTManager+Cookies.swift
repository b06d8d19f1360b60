public import Hummingbird
public import JWTAuth

extension JWTManager {
    /// Sets the access token cookie (HttpOnly) and its readable CSRF cookie: `set_access_cookies`.
    public func setAccessCookies(_ token: IssuedToken, on response: inout Response) {
        response.setCookie(cookie(cookies.accessCookieName, token.token, httpOnly: true, expiresAt: token.expiresAt))
        if let csrf = token.claims.csrf {
            response.setCookie(cookie(cookies.accessCSRFCookieName, csrf, httpOnly: false, expiresAt: token.expiresAt))
        }
    }

    /// Sets the refresh token cookie (HttpOnly) and its readable CSRF cookie: `set_refresh_cookies`.
    public func setRefreshCookies(_ token: IssuedToken, on response: inout Response) {
        response.setCookie(cookie(cookies.refreshCookieName, token.token, httpOnly: true, expiresAt: token.expiresAt))
        if let csrf = token.claims.csrf {
            response.setCookie(cookie(cookies.refreshCSRFCookieName, csrf, httpOnly: false, expiresAt: token.expiresAt))
        }
    }

    /// Sets an access token re-issued by implicit refresh, unless the route's response already sets or
    /// clears the access cookie itself (a sign-out must not get its cookie back).
    public func setReissuedAccessCookies(_ token: IssuedToken, on response: inout Response) {
        let prefix = cookies.accessCookieName + "="
        guard !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(prefix) }) else { return }
        setAccessCookies(token, on: &response)
    }

    /// Clears all four cookies: `unset_jwt_cookies`.
    public func unsetCookies(on response: inout Response) {
        for (name, httpOnly) in [
            (cookies.accessCookieName, true), (cookies.accessCSRFCookieName, false),
            (cookies.refreshCookieName, true), (cookies.refreshCSRFCookieName, false),
        ] {
            response.setCookie(cookie(name, "", httpOnly: httpOnly, maxAge: 0))
        }
    }

    private func cookie(_ name: String, _ value: String, httpOnly: Bool, expiresAt: Double? = nil, maxAge: Int? = nil) -> Cookie {
        var age = maxAge
        if age == nil, !cookies.sessionCookies, let expiresAt {
            age = max(0, Int(expiresAt - verifier.clock.now))
        }
        let sameSite: Cookie.SameSite =
            switch cookies.sameSite.lowercased() {
            case "strict": .strict
            case "none": .none
            default: .lax
            }
        return Cookie(
            name: name,
            value: value,
            maxAge: age,
            domain: cookies.domain,
            path: cookies.path,
            secure: cookies.secure || sameSite == .none,
            httpOnly: httpOnly,
            sameSite: sameSite
        )
    }
}
