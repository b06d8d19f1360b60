import HTTPTypes
import Hummingbird
import JWTAuthHummingbird

/// Cross-origin requests to the JSON API from the origins in `CORS_ORIGINS`, and from no other.
///
/// A request from a listed origin to an API path gets `Access-Control-Allow-Origin` with that origin (never
/// `*`) and `Access-Control-Allow-Credentials: true`, so that a browser app there may send cookies or an
/// `Authorization` header; its preflight (`OPTIONS` with `Access-Control-Request-Method`) is answered 204
/// with the methods the path answers. A request from any other origin, and any request to the web site's
/// pages, goes on without CORS headers: the browser keeps its answer from the page that asked. The
/// middleware is only added when origins are listed.
struct CrossOriginMiddleware: RouterMiddleware {
    typealias Context = BasicJWTRequestContext

    /// Exact origins (`https://app.example.com`): scheme, host and port, no path.
    let origins: Set<String>
    let routes: RouteTable
    /// The request headers a browser app may send.
    let allowedHeaders: [HTTPField.Name]

    init(origins: [String], routes: RouteTable, csrfHeader: HTTPField.Name) {
        self.origins = Set(origins)
        self.routes = routes
        self.allowedHeaders = [.authorization, .contentType, csrfHeader]
    }

    /// How long a browser may keep a preflight's answer: 10 minutes.
    static let maxAge = "600"
    /// What a script there may read of an answer besides the simple headers.
    static let exposedHeaders = "Retry-After, WWW-Authenticate"

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard let origin = request.headers[.origin], origins.contains(origin), !routes.isWebPath(path),
            let methods = routes.methods(for: path)
        else {
            var response = try await next(request, context)
            // A cache must not give another origin's answer.
            if request.headers[.origin] != nil, !routes.isWebPath(path) { response.headers.append(HTTPField(name: .vary, value: "Origin")) }
            return response
        }
        if request.method == .options, request.headers[.accessControlRequestMethod] != nil {
            var headers: HTTPFields = [
                .accessControlAllowOrigin: origin,
                .accessControlAllowCredentials: "true",
                .accessControlAllowMethods: methods.map(\.rawValue).joined(separator: ", "),
                .accessControlMaxAge: Self.maxAge,
                .vary: "Origin",
            ]
            if let wanted = request.headers[.accessControlRequestHeaders] {
                let asked = wanted.split(separator: ",").compactMap { HTTPField.Name(String($0.trimmingSpaces())) }
                let allowed = asked.filter { allowedHeaders.contains($0) }
                if !allowed.isEmpty { headers[.accessControlAllowHeaders] = allowed.map(\.canonicalName).joined(separator: ", ") }
            }
            // The browser itself refuses a method that is not in the list.
            return Response(status: .noContent, headers: headers)
        }
        var response = try await next(request, context)
        response.headers[.accessControlAllowOrigin] = origin
        response.headers[.accessControlAllowCredentials] = "true"
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        return response
    }
}
