import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import JWTAuthService
import Logging

/// The service's web site: a sign-in form, a signed-in page, sign-out and registration. Tokens travel in
/// Flask-JWT-Extended's cookies; requests that change state carry the CSRF value, and the access token
/// is re-issued from the refresh cookie while that lives (implicit refresh).
struct WebSite: Sendable {
    typealias Context = BasicJWTRequestContext

    /// The auth routes whose credential checks, throttling and sessions the forms share.
    let auth: JWTAuthRoutes<Context>
    /// The service's manager with `[.cookies]` as the only location and implicit refresh on.
    let manager: JWTManager

    /// A site sharing `auth`'s stores and throttling, re-issuing the access token when less than
    /// `implicitRefresh` of it remains (defaults to 60 seconds).
    init(auth: JWTAuthRoutes<Context>, cookieSecure: Bool, implicitRefresh: Duration = .seconds(60)) {
        self.auth = auth
        var manager = auth.manager
        manager.locations = [.cookies]
        manager.implicitRefresh = implicitRefresh
        manager.cookies.secure = cookieSecure
        manager.errorHandlers = [:]
        self.manager = manager
    }

    func addRoutes(to router: Router<Context>) {
        router.get("/") { request, context in await home(request, context) }
        router.get("login") { request, _ in
            let next = LocalPath.validated(request.uri.queryParameters["next"].map(String.init))
            return formPage(.ok, request) { WebPages.login(next: next, isRegistrationOpen: auth.isRegistrationOpen, csrfToken: $0) }
        }
        router.post("login") { request, context in await login(request, context) }
        router.post("logout") { request, context in await logout(request, context) }
        router.get("register") { request, _ in
            guard auth.isRegistrationOpen else { return Self.registrationClosed() }
            return formPage(.ok, request) { WebPages.register(csrfToken: $0) }
        }
        router.post("register") { request, context in await register(request, context) }
        router.get("static/style.css") { _, _ in Self.stylesheet() }
    }

    /// The signed-in page; without a good session, back to the sign-in form with the cookies cleared.
    func home(_ request: Request, _ context: Context) async -> Response {
        var request = request
        let authentication: JWTAuthentication
        do throws(JWTAuthError) {
            guard let found = try await manager.authenticate(&request, context: context, requirement: .required) else {
                return signInAgain(next: "/")
            }
            authentication = found
        } catch {
            return error.code == .unavailable ? Self.unavailable() : signInAgain(next: "/")
        }
        let user: UserRecord?
        do {
            user = try await auth.service.users.user(id: authentication.identity.subject)
        } catch {
            context.logger.error("The user store failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.unavailable()
        }
        guard let user, !user.isDisabled else { return signInAgain(next: "/") }
        let claims = authentication.reissuedAccessToken?.claims ?? authentication.identity.claims
        let expiresAt = claims.expiresAt ?? manager.verifier.clock.now
        let account = WebPages.Account(
            username: user.username,
            roles: claims.strings("roles"),
            expiresAt: expiresAt,
            expiresIn: max(0, Int((expiresAt - manager.verifier.clock.now).rounded(.down))),
            csrfToken: claims.csrf ?? ""
        )
        var response = Self.page(.ok, WebPages.account(account))
        if let reissued = authentication.reissuedAccessToken { manager.setAccessCookies(reissued, on: &response) }
        return response
    }

    /// Ends the session (its tokens are revoked) when the CSRF value matches, then back to the form. A
    /// sign-out another site sent is refused with the cookies untouched.
    func logout(_ request: Request, _ context: Context) async -> Response {
        if let refusal = Self.crossSiteRefusal(request) { return refusal.response }
        var request = request
        let identity: JWTIdentity
        do throws(JWTAuthError) {
            guard let found = try await manager.authenticate(&request, context: context, requirement: .required) else {
                return signedOut()
            }
            identity = found.identity
        } catch {
            switch error.code {
            case .csrfFailed:
                return Self.page(
                    error.code.status,
                    WebPages.message(title: "Sign-out refused", text: error.message, link: ("/", "Back to your account"))
                )
            case .unavailable: return Self.unavailable()
            default: return signedOut()
            }
        }
        do {
            try await auth.service.logout(access: identity.claims)
        } catch {
            context.logger.error("A store failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.unavailable()
        }
        return signedOut()
    }

    /// 303 to the sign-in form with every token cookie cleared.
    func signInAgain(next: String) -> Response {
        var response = Self.redirect(to: "/login?next=" + LocalPath.queryEncoded(next))
        manager.unsetCookies(on: &response)
        return response
    }

    func signedOut() -> Response {
        var response = Self.redirect(to: "/login")
        manager.unsetCookies(on: &response)
        return response
    }
}
