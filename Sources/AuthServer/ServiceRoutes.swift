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
            .get { _, context in Self.user(try context.requireJWT().subject) }
        router.group("api/optional").add(middleware: manager.middleware(.optional))
            .get { _, context in Self.user(context.identity?.subject) }
        router.group("api/admin").add(middleware: manager.middleware(.required))
            .add(middleware: RoleRequiredMiddleware("admin"))
            .get { _, context in Self.user(try context.requireJWT().subject) }

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
        // The checks, and the answer when every store is up, made once.
        let checks = stores.checks
        let healthy = Self.healthBody(checks.map { ($0.name, true) })
        router.get("readyz") { _, _ in await Self.health(checks, healthy: healthy) }
        router.get("health") { _, _ in await Self.health(checks, healthy: healthy) }
        if let registry { MetricsExposition.addRoute(to: router, registry: registry) }
    }

    /// 200 with each store's state, or 503 when one is down; `healthy` is the body when every store is up.
    static func health(_ checks: [(name: String, check: @Sendable () async throws -> Void)], healthy: ByteBuffer) async -> Response {
        var down: [String] = []  // no allocation while every store is up
        for (name, check) in checks {
            do {
                try await check()
            } catch {
                down.append(name)
            }
        }
        guard down.isEmpty else {
            let states = checks.map { (name: $0.name, isUp: !down.contains($0.name)) }
            return Response(status: .serviceUnavailable, headers: jsonHeaders, body: .init(byteBuffer: healthBody(states)))
        }
        return Response(status: .ok, headers: jsonHeaders, body: .init(byteBuffer: healthy))
    }

    /// `{"status":"ok"|"unavailable","stores":{NAME:"ok"|"down",…}}`: `ok` when every store is up.
    static func healthBody(_ states: [(name: String, isUp: Bool)]) -> ByteBuffer {
        var stores: [String: JSONValue] = [:]
        for (name, isUp) in states { stores[name] = isUp ? "ok" : "down" }
        let status: JSONValue = states.allSatisfy(\.isUp) ? "ok" : "unavailable"
        return ByteBuffer(bytes: JSONWriter.encode(.object(["status": status, "stores": .object(stores)]), sortedKeys: true))
    }

    /// 200 with `{"user":SUBJECT}`, or `{"user":null}`: the protected examples' answer, written as ``json(_:_:)``
    /// writes it, without an object to build and sort on every request.
    static func user(_ subject: String?) -> Response {
        var body: [UInt8] = []
        body.reserveCapacity(12 + (subject?.utf8.count ?? 4))
        body.append(contentsOf: #"{"user":"#.utf8)
        if let subject { JSONWriter.writeString(subject, into: &body) } else { body.append(contentsOf: "null".utf8) }
        body.append(UInt8(ascii: "}"))
        return Response(status: .ok, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    static func json(_ status: HTTPResponse.Status, _ members: [String: JSONValue]) -> Response {
        var body: [UInt8] = []
        JSONWriter.write(.object(members), into: &body, sortedKeys: true)
        return Response(status: status, headers: jsonHeaders, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// `Content-Type: application/json`, made once.
    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
}
