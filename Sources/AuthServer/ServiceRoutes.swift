import Hummingbird
import HummingbirdAuth
import JWTAuth
import JWTAuthHummingbird
import NIOCore
import Prometheus

/// The service's own routes: the protected examples, the JWKS, health (`/livez`, `/readyz`, `/health`) and
/// metrics.
struct ServiceRoutes: Sendable {
    let manager: JWTManager
    let keys: SigningKeys
    let stores: ServiceStores
    /// The registry `/metrics` shows; nil when it is served on an address of its own.
    let registry: PrometheusCollectorRegistry?

    func addRoutes(to router: Router<BasicJWTRequestContext>) {
        router.group("api/protected").add(middleware: manager.middleware(.required))
            .get { _, context in Self.json(.ok, ["user": .string(try context.requireJWT().subject)]) }
        router.group("api/optional").add(middleware: manager.middleware(.optional))
            .get { _, context in Self.json(.ok, ["user": context.identity.map { .string($0.subject) } ?? .null]) }
        router.group("api/admin").add(middleware: manager.middleware(.required))
            .add(middleware: RoleRequiredMiddleware("admin"))
            .get { _, context in Self.json(.ok, ["user": .string(try context.requireJWT().subject)]) }

        let fixed = JSONWriter.encode(keys.verificationKeys.publicJWKS, sortedKeys: true)
        router.get(".well-known/jwks.json") { [source = keys.source] _, _ in
            // Every key still verifying, re-read after a rotation or retirement.
            var jwks = fixed
            if let source { jwks = JSONWriter.encode(try await source.verificationKeys(for: nil).keys.publicJWKS, sortedKeys: true) }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: ByteBuffer(bytes: jwks))
            )
        }
        // Liveness: the process answers. No store is touched, so that a database outage restarts nothing.
        router.get("livez") { _, _ in Self.json(.ok, ["status": "ok"]) }
        // Readiness: every store answers. `/health` is the same check under its older name.
        router.get("readyz") { _, _ in await health() }
        router.get("health") { _, _ in await health() }
        if let registry { MetricsExposition.addRoute(to: router, registry: registry) }
    }

    /// 200 with each store's state, or 503 when one is down.
    func health() async -> Response {
        var states: [String: JSONValue] = [:]
        var healthy = true
        for (name, check) in stores.checks {
            do {
                try await check()
                states[name] = "ok"
            } catch {
                states[name] = "down"
                healthy = false
            }
        }
        return Self.json(healthy ? .ok : .serviceUnavailable, ["status": healthy ? "ok" : "unavailable", "stores": .object(states)])
    }

    static func json(_ status: HTTPResponse.Status, _ members: [String: JSONValue]) -> Response {
        var body: [UInt8] = []
        JSONWriter.write(.object(members), into: &body, sortedKeys: true)
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
