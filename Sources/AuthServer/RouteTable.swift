package import HTTPTypes
import Hummingbird
import JWTAuthHummingbird
import Synchronization

/// The service's routes as its router holds them: each path's methods (to answer 405 with `Allow`) and
/// which paths are the web site's (whose errors are HTML pages for browsers). Filled from the router once
/// the routes are added, so that a route is declared once, where it is added.
package final class RouteTable: Sendable {
    private struct State {
        var methods: [String: [HTTPRequest.Method]] = [:]
        var webPaths: Set<String> = []
    }

    private let state = Mutex(State())

    init() {}

    /// Takes the router's routes; those in `web` (a subset) are the web site's. Paths with captures or
    /// wildcards are left out: they need no 405 table.
    func record(_ routes: [Router<BasicJWTRequestContext>.RouteDescription], web: [Router<BasicJWTRequestContext>.RouteDescription]) {
        var methods: [String: [HTTPRequest.Method]] = [:]
        for route in routes {
            let path = Self.path(route.path.description)
            guard !path.contains("*"), !path.contains(":") else { continue }
            if !(methods[path]?.contains(route.method) ?? false) { methods[path, default: []].append(route.method) }
        }
        let webPaths = Set(web.map { Self.path($0.path.description) })
        state.withLock { $0 = State(methods: methods, webPaths: webPaths) }
    }

    /// The methods `path` answers; nil for a path the service does not have.
    package func methods(for path: String) -> [HTTPRequest.Method]? {
        state.withLock { $0.methods[path] }
    }

    /// Whether `path` is one of the web site's pages.
    package func isWebPath(_ path: String) -> Bool {
        state.withLock { $0.webPaths.contains(path) }
    }

    /// Every path with its methods, the web site's excluded: the JSON API the OpenAPI document describes.
    package var apiRoutes: [String: [HTTPRequest.Method]] {
        state.withLock { state in state.methods.filter { !state.webPaths.contains($0.key) } }
    }

    private static func path(_ text: String) -> String {
        text.hasPrefix("/") ? text : "/" + text
    }
}
