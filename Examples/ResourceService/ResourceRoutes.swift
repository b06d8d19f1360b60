import Foundation
import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import JWTAuthJWKS
import Logging
import NIOCore

/// The resource service's routes:
/// - `GET /api/data`: any access token of the issuer; answers `{"user": sub}`.
/// - `GET /api/admin`: an access token with the role `admin`.
/// - `GET /api/reports`: a token with the scope `reports:read` (a service token, see the README).
/// - `GET /health`: the JWKS client's state; 503 when it has no usable keys.
enum ResourceRoutes {
    static func application(
        keys client: JWKSClient,
        tokens: TokenConfiguration,
        decrypter: JWEDecrypter? = nil,
        host: String,
        port: Int,
        logger: Logger
    ) throws -> some ApplicationProtocol {
        // The JWKS client gives the keys of each request.
        let manager = try JWTManager(keySource: client, configuration: tokens, cache: VerifiedTokenCache(), decrypter: decrypter)

        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        let api = router.group("api").add(middleware: manager.middleware(.required))
        api.get("data") { _, context in json(.ok, ["user": .string(try context.requireJWT().subject)]) }
        api.group("admin").add(middleware: RoleRequiredMiddleware("admin"))
            .get { _, context in json(.ok, ["user": .string(try context.requireJWT().subject)]) }
        api.group("reports").add(middleware: RoleRequiredMiddleware("reports:read", claim: "scope"))
            .get { _, context in json(.ok, ["reports": [], "client": .string(try context.requireJWT().subject)]) }
        router.get("health") { _, _ in
            let status = await client.status
            var members: [String: JSONValue] = ["status": status.isUsable ? "ok" : "unavailable", "keys": .int(Int64(status.keyCount))]
            members["stale"] = .bool(status.isStale)
            members["age"] = status.age.map { .int(Int64($0)) } ?? .null
            members["last_error"] = status.lastError.map(JSONValue.string) ?? .null
            return json(status.isUsable ? .ok : .serviceUnavailable, ["status": members["status"]!, "jwks": .object(members)])
        }

        var app = Application(
            router: router,
            configuration: .init(address: .hostname(host, port: port), serverName: "resource-service"),
            onServerRunning: { channel in
                // The port, for scripts and tests that asked for port 0.
                FileHandle.standardOutput.write(Data("listening on \(channel.localAddress?.port ?? port)\n".utf8))
            },
            logger: logger
        )
        app.addServices(client)
        return app
    }

    static func json(_ status: HTTPResponse.Status, _ members: [String: JSONValue]) -> Response {
        Response(
            status: status,
            headers: [.contentType: "application/json"],
            body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.encode(.object(members), sortedKeys: true)))
        )
    }
}
