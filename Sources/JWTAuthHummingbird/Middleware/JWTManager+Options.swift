public import JWTAuth

extension JWTManager {
    /// The adapter's settings, Flask-JWT-Extended's `app.config["JWT_…"]`: every default in one `init`, each
    /// one settable afterwards, on the value or on the manager.
    ///
    /// ```swift
    /// var options = JWTManager.Options(locations: [.headers, .cookies])  // JWT_TOKEN_LOCATION
    /// options.cookies.secure = true  // JWT_COOKIE_SECURE
    /// options.errorHandlers[.tokenExpired] = { _, _, _ in "Log in again" }  // expired_token_loader
    /// let manager = try JWTManager(key: key, options: options)
    /// ```
    public struct Options: Sendable {
        /// Where tokens are looked for, in order (`JWT_TOKEN_LOCATION`). Defaults to `[.headers]`.
        public var locations: [TokenLocation]
        /// The cookies for the `.cookies` location. Defaults to Flask-JWT-Extended's names, with CSRF protection on.
        public var cookies: JWTCookieConfiguration
        /// The query parameter for the `.query` location (`JWT_QUERY_STRING_NAME`). Defaults to `jwt`.
        public var queryParameter: String
        /// The JSON member holding an access token for the `.json` location (`JWT_JSON_KEY`). Defaults to `access_token`.
        public var jsonAccessKey: String
        /// The JSON member holding a refresh token for the `.json` location (`JWT_REFRESH_JSON_KEY`). Defaults to `refresh_token`.
        public var jsonRefreshKey: String
        /// The largest body read for the `.json` location or a CSRF form field, in bytes. Defaults to 64 KiB.
        public var maximumBodySize: Int
        /// The realm named in `WWW-Authenticate`. Defaults to `jwt-auth`.
        public var realm: String
        /// Loads `current_user` untyped, called once per request (`user_lookup_loader`). Defaults to none.
        /// Prefer the typed ``JWTManager/middleware(_:context:user:)``.
        public var userLoader: UserLoader?
        /// Custom responses by error code (`expired_token_loader`, `invalid_token_loader`, …). Defaults to none.
        public var errorHandlers: [JWTAuthError.Code: ErrorHandler]
        /// Re-issue a cookie session's access token when less than this remains, or when it expired and
        /// the refresh cookie is still good. Defaults to nil (off). Give the verifier your session store
        /// (`verifier.checkingSessions(in: sessions)`): a refresh cookie is then good only while its session lives,
        /// and each re-issued token is noted in the session, so that a logout revokes it for as long as it lasts.
        public var implicitRefresh: Duration?

        public init(
            locations: [TokenLocation] = [.headers],
            cookies: JWTCookieConfiguration = JWTCookieConfiguration(),
            queryParameter: String = "jwt",
            jsonAccessKey: String = "access_token",
            jsonRefreshKey: String = "refresh_token",
            maximumBodySize: Int = 64 * 1024,
            realm: String = "jwt-auth",
            userLoader: UserLoader? = nil,
            errorHandlers: [JWTAuthError.Code: ErrorHandler] = [:],
            implicitRefresh: Duration? = nil
        ) {
            self.locations = locations
            self.cookies = cookies
            self.queryParameter = queryParameter
            self.jsonAccessKey = jsonAccessKey
            self.jsonRefreshKey = jsonRefreshKey
            self.maximumBodySize = maximumBodySize
            self.realm = realm
            self.userLoader = userLoader
            self.errorHandlers = errorHandlers
            self.implicitRefresh = implicitRefresh
        }
    }

    /// ``Options/locations``.
    public var locations: [TokenLocation] {
        get { options.locations }
        set { options.locations = newValue }
    }
    /// ``Options/cookies``.
    public var cookies: JWTCookieConfiguration {
        get { options.cookies }
        set { options.cookies = newValue }
    }
    /// ``Options/queryParameter``.
    public var queryParameter: String {
        get { options.queryParameter }
        set { options.queryParameter = newValue }
    }
    /// ``Options/jsonAccessKey``.
    public var jsonAccessKey: String {
        get { options.jsonAccessKey }
        set { options.jsonAccessKey = newValue }
    }
    /// ``Options/jsonRefreshKey``.
    public var jsonRefreshKey: String {
        get { options.jsonRefreshKey }
        set { options.jsonRefreshKey = newValue }
    }
    /// ``Options/maximumBodySize``.
    public var maximumBodySize: Int {
        get { options.maximumBodySize }
        set { options.maximumBodySize = newValue }
    }
    /// ``Options/realm``.
    public var realm: String {
        get { options.realm }
        set { options.realm = newValue }
    }
    /// ``Options/userLoader``.
    public var userLoader: UserLoader? {
        get { options.userLoader }
        set { options.userLoader = newValue }
    }
    /// ``Options/errorHandlers``.
    public var errorHandlers: [JWTAuthError.Code: ErrorHandler] {
        get { options.errorHandlers }
        set { options.errorHandlers = newValue }
    }
    /// ``Options/implicitRefresh``.
    public var implicitRefresh: Duration? {
        get { options.implicitRefresh }
        set { options.implicitRefresh = newValue }
    }
}
