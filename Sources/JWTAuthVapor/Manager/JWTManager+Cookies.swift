#if Vapor
public import JWTAuth
import JWTAuthService
public import Vapor

extension JWTManager {
    /// Sets the access token cookie (HttpOnly) and its readable CSRF cookie: `set_access_cookies`.
    public func setAccessCookies(_ token: IssuedToken, on response: Response) {
        setCookies(carrying: token, refresh: false, on: response)
    }

    /// Sets the refresh token cookie (HttpOnly) and its readable CSRF cookie: `set_refresh_cookies`.
    public func setRefreshCookies(_ token: IssuedToken, on response: Response) {
        setCookies(carrying: token, refresh: true, on: response)
    }

    private func setCookies(carrying token: IssuedToken, refresh: Bool, on response: Response) {
        for (name, value, path, httpOnly) in cookies.cookies(carrying: token, refresh: refresh) {
            response.cookies[name] = cookie(value, path: path, httpOnly: httpOnly, expiresAt: token.expiresAt)
        }
    }

    /// Sets an access token re-issued by implicit refresh, unless the route's response already sets or
    /// clears the access cookie itself (a sign-out must not get its cookie back).
    public func setReissuedAccessCookies(_ token: IssuedToken, on response: Response) {
        guard response.cookies[cookies.accessCookieName] == nil else { return }
        setAccessCookies(token, on: response)
    }

    /// Clears all four cookies, each at the path it was set with: `unset_jwt_cookies`.
    public func unsetCookies(on response: Response) {
        for (name, path, httpOnly) in cookies.allCookies {
            response.cookies[name] = cookie("", path: path, httpOnly: httpOnly, maxAge: 0)
        }
    }

    /// A cookie at `path`, or at the configuration's common path when nil.
    private func cookie(_ value: String, path: String?, httpOnly: Bool, expiresAt: Double? = nil, maxAge: Int? = nil) -> HTTPCookies.Value {
        HTTPCookies.Value(
            string: value,
            maxAge: maxAge ?? cookies.maxAge(expiresAt: expiresAt, now: verifier.clock.now),
            domain: cookies.domain,
            path: path ?? cookies.path,
            isSecure: cookies.isSecure,
            isHTTPOnly: httpOnly,
            sameSite: HTTPCookies.SameSitePolicy(rawValue: cookies.sameSitePolicy)
        )
    }
}
#endif
