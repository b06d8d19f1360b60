import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdAuth
import JWTAuth
import JWTAuthHummingbird
import NIOCore

/// Routes for gateways and other services: `GET /auth/verify` (nginx `auth_request`, Traefik
/// ForwardAuth, Envoy `ext_authz`) and RFC 7662 `POST /auth/introspect`.
struct GatewayRoutes: Sendable {
    let manager: JWTManager
    /// Introspection clients: id → secret.
    let introspectionClients: [String: String]

    /// The headers a gateway sends with the original method.
    static let originalMethodHeaders = [HTTPField.Name("X-Forwarded-Method")!, HTTPField.Name("X-Original-Method")!]

    /// The methods `/auth/verify/**` answers: Envoy's `ext_authz` (HTTP mode) checks with the original
    /// method and the original path appended to its `path_prefix`.
    static let prefixedMethods: [HTTPRequest.Method] = [.get, .head, .post, .put, .patch, .delete]

    func addRoutes(to router: Router<BasicJWTRequestContext>) {
        router.get("auth/verify") { request, context in await verify(request, context) }
        for method in Self.prefixedMethods {
            router.on("auth/verify/**", method: method) { request, context in await verify(request, context) }
        }
        router.post("auth/introspect") { request, context in await introspect(request, context) }
    }

    /// 200 with `X-Auth-Subject`, `X-Auth-Roles` and `X-Auth-Session`, or the JSON error the same token gets
    /// on a protected route (401, or 403 for a missing role or audience).
    /// The token comes from the `Authorization` header or, for browsers, the cookies, with the CSRF
    /// rule applied to the original method (`X-Forwarded-Method` or `X-Original-Method`, else the
    /// request's own, as Envoy sends it). `?role=R` and `?aud=A` add requirements.
    func verify(_ request: Request, _ context: BasicJWTRequestContext) async -> Response {
        var checked = request
        if let original = Self.originalMethodHeaders.lazy.compactMap({ request.headers[$0] }).first,
            let method = HTTPRequest.Method(original.uppercased())
        {
            var head = request.head
            head.method = method
            checked = Request(head: head, body: .init(buffer: ByteBuffer()))
        }
        let identity: JWTIdentity
        do {
            guard
                let authentication = try await manager.authenticate(
                    &checked,
                    context: context,
                    requirement: JWTRequirement(locations: [.headers, .cookies])
                )
            else {
                throw JWTAuthError.missingToken()
            }
            identity = authentication.identity
            let query = request.uri.queryParameters
            for role in query.getAll("role") where !identity.roles.contains(String(role)) {
                throw JWTAuthError.insufficientScope(role: String(role))
            }
            for audience in query.getAll("aud") where !identity.claims.audience.contains(String(audience)) {
                throw JWTAuthError.insufficientScope("Token not valid for audience \(audience)")
            }
        } catch let error as JWTAuthError {
            return await manager.response(for: error, request: request, context: context)
        } catch {
            return await manager.response(for: .unavailable(), request: request, context: context)
        }
        var headers: HTTPFields = [:]
        headers[HTTPField.Name("X-Auth-Subject")!] = identity.subject
        headers[HTTPField.Name("X-Auth-Roles")!] = identity.claims.strings("roles").joined(separator: ",")
        headers[HTTPField.Name("X-Auth-Session")!] = identity.claims.sessionID ?? ""
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers)
    }

    /// RFC 7662: the client authenticates with HTTP Basic; the form's `token` is checked in full,
    /// revocation included. Any bad token is `{"active": false}`.
    func introspect(_ request: Request, _ context: BasicJWTRequestContext) async -> Response {
        guard let basic = request.headers.basic, let secret = introspectionClients[basic.username],
            ConstantTime.equals(secret, basic.password)
        else {
            var response = JWTAuthError(code: .invalidCredentials, message: "Unknown introspection client").response(realm: manager.realm)
            response.headers[.wwwAuthenticate] = "Basic realm=\"\(manager.realm)\""
            return response
        }
        var request = request
        guard MediaType.matches(request, "application/x-www-form-urlencoded") else {
            return await manager.response(for: .unsupportedMediaType, request: request, context: context)
        }
        let body: String
        do {
            body = String(buffer: try await request.collectBody(upTo: manager.maximumBodySize))
        } catch {
            return await manager.response(for: .payloadTooLarge, request: request, context: context)
        }
        guard let token = FormDecoding.field("token", in: body), !token.isEmpty else {
            return await manager.response(for: .badRequest("Missing token"), request: request, context: context)
        }
        var members: [String: JSONValue] = ["active": false]
        do {
            let verified = try manager.verifier.decode(token, as: nil)
            try await manager.verifier.checkRevocation(verified)
            let claims = verified.claims
            members = ["active": true, "client_id": .string(basic.username)]
            for name in ["sub", "exp", "iat", "nbf", "jti", "iss", "aud"] { members[name] = claims[name] }
            members["token_type"] = .string(claims.tokenType == .refresh ? "refresh_token" : "access_token")
            let roles = claims.strings("roles")
            if !roles.isEmpty { members["scope"] = .string(roles.joined(separator: " ")) }
        } catch  where error.code == .unavailable {
            return await manager.response(for: error, request: request, context: context)
        } catch {
            members = ["active": false]
        }
        var output: [UInt8] = []
        JSONWriter.write(.object(members), into: &output, sortedKeys: true)
        return Response(
            status: .ok,
            headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: output))
        )
    }
}
