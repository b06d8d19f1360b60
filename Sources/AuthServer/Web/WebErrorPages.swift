import HTTPTypes
import Hummingbird

/// Errors for browsers as pages, not JSON: a request that accepts `text/html` and is not for the JSON
/// API (`/auth/…`, `/api/…`, the service routes) gets an HTML page with the same status (and `Allow` or
/// `Retry-After`) in place of the `{"error", "msg"}` body. Add it outside ``JWTErrorMiddleware``.
struct WebErrorPages<Context: RequestContext>: RouterMiddleware {
    /// The service's routes: errors stay JSON on every path but the web site's, whatever the client accepts.
    let routes: RouteTable

    init(routes: RouteTable) {
        self.routes = routes
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let response = try await next(request, context)
        guard response.status.code >= 400, wantsHTML(request), !isAPI(request.uri.path),
            response.headers[.contentType]?.hasPrefix("text/html") != true
        else { return response }
        let (title, text) = Self.describe(response.status)
        var page = WebSite.page(response.status, WebPages.message(title: title, text: text, link: ("/", "Go to the start page")))
        for name in [HTTPField.Name.allow, .retryAfter, .wwwAuthenticate] {
            if let value = response.headers[name] { page.headers[name] = value }
        }
        return page
    }

    /// Whether the client takes HTML: browsers send `Accept: text/html,…` when they navigate.
    func wantsHTML(_ request: Request) -> Bool {
        request.headers[values: .accept].contains { $0.lowercased().contains("text/html") }
    }

    func isAPI(_ path: String) -> Bool {
        path.hasPrefix("/auth/") || path.hasPrefix("/api/") || path.hasPrefix("/.well-known/")
            || (routes.methods(for: path) != nil && !routes.isWebPath(path))
    }

    static func describe(_ status: HTTPResponse.Status) -> (title: String, text: String) {
        switch status.code {
        case 400: ("Bad request", "The request could not be understood.")
        case 401: ("Not signed in", "Sign in to see this page.")
        case 403: ("Forbidden", "You may not do this.")
        case 404: ("Page not found", "There is no page at this address.")
        case 405: ("Method not allowed", "This page does not accept that kind of request.")
        case 413: ("Too large", "Request body too large")
        case 415: ("Unsupported form", "Expected application/x-www-form-urlencoded")
        case 429: ("Too many attempts", "Too many attempts. Try again later.")
        case 503: ("Unavailable", "The service is unavailable. Try again shortly.")
        case 500...: ("Server error", "Something went wrong on our side.")
        default: (status.reasonPhrase, status.reasonPhrase)
        }
    }
}
