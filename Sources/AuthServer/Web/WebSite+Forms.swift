import HTTPTypes
import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import JWTAuthService
import Logging
import NIOCore
import Tracing

extension WebSite {
    /// Checks the form's username and password as `POST /auth/login` does (same throttling), then sets
    /// the session's cookies and sends the browser to `next` (a local path, else `/`).
    func login(_ request: Request, _ context: Context) async -> Response {
        let form: String
        switch await Self.form(request, maximumSize: manager.maximumBodySize) {
        case .success(let body): form = body
        case .failure(let refusal): return refusal.response
        }
        let next = LocalPath.validated(FormDecoding.field("next", in: form))
        let username = FormDecoding.field("username", in: form) ?? ""
        guard Self.formTokenMatches(request, form: form) else {
            return formPage(.forbidden, request) {
                WebPages.login(next: next, username: username, error: Self.expiredForm, isRegistrationOpen: auth.isRegistrationOpen, csrfToken: $0)
            }
        }
        let password = FormDecoding.field("password", in: form) ?? ""
        do {
            // The same span as the JSON login's (`AuthService.login`).
            return try await ServiceSpan.run("login") { span in
                let user = try await auth.service.logging(to: context.logger)
                    .checkCredentials(username: username, password: password, clientAddress: auth.clientAddress(request, context))
                span.attributes["user.id"] = user.id
                return try await signIn(user, next: next)
            }
        } catch let error as JWTAuthError where error.code == .rateLimited || error.retryAfter != nil {
            return Self.retryLater(error)
        } catch let error as JWTAuthError where error.code != .unavailable {
            return formPage(error.code.status, request) {
                WebPages.login(next: next, username: username, error: error.message, isRegistrationOpen: auth.isRegistrationOpen, csrfToken: $0)
            }
        } catch {
            context.logger.error("A store failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.unavailable()
        }
    }

    /// Creates the account (as `POST /auth/register` does) and signs it in.
    func register(_ request: Request, _ context: Context) async -> Response {
        guard auth.isRegistrationOpen else { return Self.registrationClosed() }
        let form: String
        switch await Self.form(request, maximumSize: manager.maximumBodySize) {
        case .success(let body): form = body
        case .failure(let refusal): return refusal.response
        }
        let rawUsername = FormDecoding.field("username", in: form) ?? ""
        guard Self.formTokenMatches(request, form: form) else {
            return formPage(.forbidden, request) { WebPages.register(username: rawUsername, error: Self.expiredForm, csrfToken: $0) }
        }
        do {
            let user = try await auth.service.register(
                username: rawUsername,
                password: FormDecoding.field("password", in: form) ?? "",
                clientAddress: auth.clientAddress(request, context)
            )
            return try await signIn(user, next: "/")
        } catch let error as JWTAuthError where error.code == .rateLimited || error.retryAfter != nil {
            return Self.retryLater(error)
        } catch let error as JWTAuthError where error.code != .unavailable {
            return formPage(error.code.status, request) { WebPages.register(username: rawUsername, error: error.message, csrfToken: $0) }
        } catch {
            context.logger.error("A store failed", metadata: ["error.type": "\(type(of: error))"])
            return Self.unavailable()
        }
    }

    /// 429 (too many attempts) or 503 (bcrypt's queue is full) with `Retry-After`.
    static func retryLater(_ error: JWTAuthError) -> Response {
        let page =
            error.code == .rateLimited
            ? WebPages.message(title: "Too many attempts", text: "Too many attempts. Try again in \(error.retryAfter ?? 1) seconds.")
            : WebPages.message(title: "Busy", text: "The service is busy. Try again in a moment.")
        var response = Self.page(error.code.status, page)
        response.headers[.retryAfter] = String(error.retryAfter ?? 1)
        return response
    }

    /// A new session for `user`: its cookies on a 303 to `next`.
    private func signIn(_ user: UserRecord, next: String) async throws -> Response {
        let pair = try await auth.service.startSession(for: user)
        var response = Self.redirect(to: next)
        manager.setAccessCookies(pair.access, on: &response)
        manager.setRefreshCookies(pair.refresh, on: &response)
        return response
    }

    /// The error shown when a form comes back without the browser's form CSRF value.
    static let expiredForm = "The form has expired or was not sent from this site. Please try again."

    struct Refusal: Error {
        let response: Response
    }

    /// The body of a same-origin `application/x-www-form-urlencoded` POST, or the page refusing it. A form
    /// posted from another site (`Sec-Fetch-Site: cross-site` or `same-site`) is refused: signing a
    /// victim into the attacker's account (login CSRF) needs one.
    static func form(_ request: Request, maximumSize: Int) async -> Result<String, Refusal> {
        if let refusal = crossSiteRefusal(request) { return .failure(refusal) }
        guard MediaType.matches(request, "application/x-www-form-urlencoded") else {
            let page = WebPages.message(title: "Unsupported form", text: "Expected application/x-www-form-urlencoded")
            return .failure(Refusal(response: Self.page(.unsupportedMediaType, page)))
        }
        var request = request
        do {
            return .success(String(buffer: try await request.collectBody(upTo: maximumSize)))
        } catch {
            return .failure(Refusal(response: page(.contentTooLarge, WebPages.message(title: "Too large", text: "Request body too large"))))
        }
    }

    /// 403 for a request another site made the browser send (`Sec-Fetch-Site: cross-site` or `same-site`).
    static func crossSiteRefusal(_ request: Request) -> Refusal? {
        guard let site = request.headers[Self.secFetchSite]?.lowercased(), site == "cross-site" || site == "same-site" else { return nil }
        return Refusal(response: page(.forbidden, WebPages.message(title: "Refused", text: "Forms must be sent from this site.")))
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
}
