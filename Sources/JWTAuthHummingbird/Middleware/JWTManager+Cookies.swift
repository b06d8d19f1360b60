public import Hummingbird
public import JWTAuth
import JWTAuthService

extension JWTManager {
    /// Sets the access token cookie (HttpOnly) and its readable CSRF cookie: `set_access_cookies`.
    public func setAccessCookies(_ token: IssuedToken, on response: inout Response) {
        setCookies(carrying: token, refresh: false, on: &response)
    }

    /// Sets the refresh token cookie (HttpOnly) and its readable CSRF cookie: `set_refresh_cookies`.
    public func setRefreshCookies(_ token: IssuedToken, on response: inout Response) {
        setCookies(carrying: token, refresh: true, on: &response)
    }

    private func setCookies(carrying token: IssuedToken, refresh: Bool, on response: inout Response) {
        for (name, value, path, httpOnly) in cookies.cookies(carrying: token, refresh: refresh) {
            response.setCookie(cookie(name, value, path: path, httpOnly: httpOnly, expiresAt: token.expiresAt))
        }
    }

    /// Sets an access token re-issued by implicit refresh, unless the route's response already sets or
    /// clears the access cookie itself (a sign-out must not get its cookie back).
    public func setReissuedAccessCookies(_ token: IssuedToken, on response: inout Response) {
        let prefix = cookies.accessCookieName + "="
        guard !response.headers[values: .setCookie].contains(where: { $0.hasPrefix(prefix) }) else { return }
        setAccessCookies(token, on: &response)
    }

    /// Clears all four cookies, each at the path it was set with: `unset_jwt_cookies`.
    public func unsetCookies(on response: inout Response) {
        for (name, path, httpOnly) in cookies.allCookies {
            response.setCookie(cookie(name, "", path: path, httpOnly: httpOnly, maxAge: 0))
        }
    }

    /// A cookie at `path`, or at the configuration's common path when nil.
    private func cookie(_ name: String, _ value: String, path: String?, httpOnly: Bool, expiresAt: Double? = nil, maxAge: Int? = nil) -> Cookie {
        let sameSite: Cookie.SameSite =
            switch cookies.sameSitePolicy {
            case "Strict": .strict
            case "None": .none
            default: .lax
            }
        return Cookie(
            name: name,
            value: value,
            maxAge: maxAge ?? cookies.maxAge(expiresAt: expiresAt, now: verifier.clock.now),
            domain: cookies.domain,
            path: path ?? cookies.path,
            secure: cookies.isSecure,
            httpOnly: httpOnly,
            sameSite: sameSite
        )
    }
}
