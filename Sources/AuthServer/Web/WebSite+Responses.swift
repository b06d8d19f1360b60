import HTTPTypes
import Hummingbird
import NIOCore

extension WebSite {
    /// On every page and redirect: no script, styles from this site only, forms posting here only, no
    /// framing, no referrer, no caching.
    static let securityHeaders: HTTPFields = [
        .contentSecurityPolicy: "default-src 'none'; style-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Frame-Options")!: "DENY",
        HTTPField.Name("Referrer-Policy")!: "no-referrer",
        .xContentTypeOptions: "nosniff",
        .cacheControl: "no-store",
    ]

    static func page(_ status: HTTPResponse.Status, _ html: String) -> Response {
        var headers = securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// 303 See Other to `location`, a local path.
    static func redirect(to location: String) -> Response {
        var headers = securityHeaders
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }

    static func unavailable() -> Response {
        page(.serviceUnavailable, WebPages.message(title: "Unavailable", text: "The service is unavailable. Try again shortly."))
    }

    static func registrationClosed() -> Response {
        page(.forbidden, WebPages.message(title: "Registration is closed", text: "Registration is closed. Ask an administrator for an account."))
    }

    static func stylesheet() -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=3600", .xContentTypeOptions: "nosniff"],
            body: .init(byteBuffer: ByteBuffer(string: WebStylesheet.css))
        )
    }
}
