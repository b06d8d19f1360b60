public import HTTPTypes

/// The cookies that carry tokens in a browser, with Flask-JWT-Extended's names.
public struct JWTCookieConfiguration: Sendable {
    /// The access token cookie (HttpOnly). Defaults to `access_token_cookie`.
    public var accessCookieName: String
    /// The refresh token cookie (HttpOnly). Defaults to `refresh_token_cookie`.
    public var refreshCookieName: String
    /// The readable cookie holding the access token's CSRF value. Defaults to `csrf_access_token`.
    public var accessCSRFCookieName: String
    /// The readable cookie holding the refresh token's CSRF value. Defaults to `csrf_refresh_token`.
    public var refreshCSRFCookieName: String
    /// The header that carries the CSRF value. Defaults to `X-CSRF-TOKEN`.
    public var csrfHeaderName: HTTPField.Name
    /// The form field that carries the CSRF value. Defaults to `csrf_token`.
    public var csrfFormField: String
    /// Whether cookie-borne tokens need the CSRF double submit. Defaults to true.
    public var csrfProtection: Bool
    /// The methods that need the CSRF value. Defaults to POST, PUT, PATCH and DELETE.
    public var csrfMethods: Set<HTTPRequest.Method>
    /// Whether cookies are `Secure` (HTTPS only). Defaults to false.
    public var secure: Bool
    /// `SameSite`. Defaults to `Lax`.
    public var sameSite: String
    /// `Path` of every cookie without a path of its own below. Defaults to `/`.
    public var path: String
    /// `Path` of the access token cookie (`JWT_ACCESS_COOKIE_PATH`). Defaults to nil: ``path``.
    public var accessCookiePath: String?
    /// `Path` of the refresh token cookie (`JWT_REFRESH_COOKIE_PATH`), such as `/auth/refresh` to send it
    /// to the refresh route only. Defaults to nil: ``path``. Implicit refresh needs it sent to the protected
    /// routes too.
    public var refreshCookiePath: String?
    /// `Path` of the access token's CSRF cookie (`JWT_ACCESS_CSRF_COOKIE_PATH`). Defaults to nil: ``path``.
    public var accessCSRFCookiePath: String?
    /// `Path` of the refresh token's CSRF cookie (`JWT_REFRESH_CSRF_COOKIE_PATH`). Defaults to nil: ``path``.
    public var refreshCSRFCookiePath: String?
    /// `Domain`, if any. Defaults to none.
    public var domain: String?
    /// Whether cookies end with the browser session (no `Max-Age`). Defaults to true.
    public var sessionCookies: Bool

    public init(
        accessCookieName: String = "access_token_cookie",
        refreshCookieName: String = "refresh_token_cookie",
        accessCSRFCookieName: String = "csrf_access_token",
        refreshCSRFCookieName: String = "csrf_refresh_token",
        csrfHeaderName: HTTPField.Name = HTTPField.Name("X-CSRF-TOKEN")!,
        csrfFormField: String = "csrf_token",
        csrfProtection: Bool = true,
        csrfMethods: Set<HTTPRequest.Method> = [.post, .put, .patch, .delete],
        secure: Bool = false,
        sameSite: String = "Lax",
        path: String = "/",
        accessCookiePath: String? = nil,
        refreshCookiePath: String? = nil,
        accessCSRFCookiePath: String? = nil,
        refreshCSRFCookiePath: String? = nil,
        domain: String? = nil,
        sessionCookies: Bool = true
    ) {
        self.accessCookieName = accessCookieName
        self.refreshCookieName = refreshCookieName
        self.accessCSRFCookieName = accessCSRFCookieName
        self.refreshCSRFCookieName = refreshCSRFCookieName
        self.csrfHeaderName = csrfHeaderName
        self.csrfFormField = csrfFormField
        self.csrfProtection = csrfProtection
        self.csrfMethods = csrfMethods
        self.secure = secure
        self.sameSite = sameSite
        self.path = path
        self.accessCookiePath = accessCookiePath
        self.refreshCookiePath = refreshCookiePath
        self.accessCSRFCookiePath = accessCSRFCookiePath
        self.refreshCSRFCookiePath = refreshCSRFCookiePath
        self.domain = domain
        self.sessionCookies = sessionCookies
    }
}
