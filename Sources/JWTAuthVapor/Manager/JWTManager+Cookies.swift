#if Vapor
public import JWTAuth
import JWTAuthService
public import Vapor

extension JWTManager {
    /// Sets the access token cookie (HttpOnly) and its readable CSRF cookie: `set_access_cookies`.
    public func setAccessCookies(_ token: IssuedToken, on response: Response) {
        response.cookies[cookies.accessCookieName] = cookie(token.token, path: cookies.accessCookiePath, httpOnly: true, expiresAt: token.expiresAt)
        if let csrf = token.claims.csrf {
            response.cookies[cookies.accessCSRFCookieName] = cookie(
                csrf,
                path: cookies.accessCSRFCookiePath,
                httpOnly: false,
                expiresAt: token.expiresAt
            )
        }
    }

    /// Sets the refresh token cookie (HttpOnly) and its readable CSRF cookie: `set_refresh_cookies`.
    public func setRefreshCookies(_ token: IssuedToken, on response: Response) {
        response.cookies[cookies.refreshCookieName] = cookie(
            token.token,
            path: cookies.refreshCookiePath,
            httpOnly: true,
            expiresAt: token.expiresAt
        )
        if let csrf = token.claims.csrf {
            response.cookies[cookies.refreshCSRFCookieName] = cookie(
                csrf,
                path: cookies.refreshCSRFCookiePath,
                httpOnly: false,
                expiresAt: token.expiresAt
            )
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
