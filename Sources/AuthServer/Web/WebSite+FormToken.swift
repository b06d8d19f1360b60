import Hummingbird
import JWTAuth
import JWTAuthHummingbird

/// CSRF for the forms used before there is a session (sign-in and registration): a double submit of a
/// random value kept in an HttpOnly, `SameSite=Strict` cookie and echoed in the form's `csrf_token`
/// field. Together with the `Sec-Fetch-Site` check it stops another site from signing a browser into
/// the attacker's account (login CSRF).
extension WebSite {
    /// The cookie holding the forms' CSRF value.
    static let formTokenCookieName = "csrf_form_token"

    /// The form CSRF value the browser already holds, else a new one (`isNew`: it must be set).
    static func formToken(_ request: Request) -> (value: String, isNew: Bool) {
        if let value = request.cookies[formTokenCookieName]?.value, Base64URL.decode(value)?.count == 32 {
            return (value, false)
        }
        var generator = SystemRandomNumberGenerator()
        return (Base64URL.encode((0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }), true)
    }

    /// Whether the form's `csrf_token` field matches the browser's form cookie.
    static func formTokenMatches(_ request: Request, form: String) -> Bool {
        guard let cookie = request.cookies[formTokenCookieName]?.value, !cookie.isEmpty,
            let field = FormDecoding.field("csrf_token", in: form)
        else { return false }
        return ConstantTime.equals(cookie, field)
    }

    /// A page holding a form: `html` gets the form CSRF value, which is set as a cookie when new.
    func formPage(_ status: HTTPResponse.Status, _ request: Request, _ html: (String) -> String) -> Response {
        let token = Self.formToken(request)
        var response = Self.page(status, html(token.value))
        if token.isNew {
            response.setCookie(
                Cookie(
                    name: Self.formTokenCookieName,
                    value: token.value,
                    path: "/",
                    secure: manager.cookies.secure,
                    httpOnly: true,
                    sameSite: .strict
                )
            )
        }
        return response
    }
}
