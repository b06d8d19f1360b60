#if Vapor
import HTTPTypes
public import JWTAuth
import JWTAuthService
import NIOCore
public import Vapor

/// The outcome of checking a request's token.
public struct JWTAuthentication: Sendable {
    /// The verified identity.
    public var identity: JWTIdentity
    /// A new access token issued by implicit refresh, to be set as cookies on the response.
    public var reissuedAccessToken: IssuedToken?
}

extension JWTManager {
    /// Checks the request's token against `requirement`: `verify_jwt_in_request()`.
    ///
    /// Returns nil for an optional requirement and no token, and for every OPTIONS request (a CORS
    /// preflight carries no credentials). The body is read (and kept on the request) only for the `.json`
    /// location and CSRF form fields.
    /// - Throws: the `JWTAuthError` of the first failed check.
    public func authenticate(_ request: Request, requirement: JWTRequirement = .required) async throws(JWTAuthError) -> JWTAuthentication? {
        guard request.method != .OPTIONS else { return nil }
        var carrier = VaporTokenCarrier(request: request, maximumBodySize: maximumBodySize)
        do {
            guard let checked = try await checkToken(&carrier, requirement: requirement, locations: requirement.locations ?? locations) else {
                return nil
            }
            let identity = JWTIdentity(token: checked.token, rawToken: checked.rawToken, location: checked.location)
            return JWTAuthentication(identity: identity, reissuedAccessToken: checked.reissued)
        } catch {
            request.logger.debug("JWT refused", metadata: ["jwt.error": "\(error.code)"])
            throw error
        }
    }
}

extension JWTManager {
    /// ``authenticate(_:requirement:)`` without suspending, when nothing the check needs must be awaited (a bearer
    /// token, no key source or one with its keys at hand, a revocation store in memory); nil, having decided nothing,
    /// otherwise.
    func authenticateSynchronously(_ request: Request, requirement: JWTRequirement) -> Result<JWTAuthentication?, JWTAuthError>? {
        guard request.method != .OPTIONS else { return .success(nil) }
        let carrier = VaporTokenCarrier(request: request, maximumBodySize: maximumBodySize)
        switch checkTokenSynchronously(carrier, requirement: requirement, locations: requirement.locations ?? locations) {
        case .success(let checked)?:
            let identity = JWTIdentity(token: checked.token, rawToken: checked.rawToken, location: checked.location)
            return .success(JWTAuthentication(identity: identity, reissuedAccessToken: checked.reissued))
        case .failure(let error)?:
            request.logger.debug("JWT refused", metadata: ["jwt.error": "\(error.code)"])
            return .failure(error)
        case nil:
            return nil
        }
    }
}

/// A Vapor request as the domain's token carrier.
struct VaporTokenCarrier: AuthenticatingRequest {
    let request: Request
    let maximumBodySize: Int

    func bearerToken() throws(JWTAuthError) -> String? {
        var value: String? = nil
        for (name, field) in request.headers where Self.isAuthorization(name) {
            guard value == nil else { throw .invalidHeader() }
            value = field
        }
        guard let value else { return nil }
        return try BearerAuthorization.token(in: value)
    }

    /// Whether a header's name is `Authorization`, in any case (without making an array of the values).
    private static func isAuthorization(_ name: String) -> Bool {
        name.utf8.count == 13 && name.utf8.elementsEqual("authorization".utf8) { $0 | 0x20 == $1 }
    }

    func cookie(_ name: String) -> String? { request.cookies[name]?.string }

    func queryParameter(_ name: String) -> String? { request.query[String.self, at: name] }

    var hasJSONBody: Bool { ContentType.matches(request.headers.first(name: .contentType), "application/json") }

    mutating func jsonObject() async throws(JWTAuthError) -> [String: JSONValue] {
        let bytes = try await request.collectedBody(upTo: maximumBodySize)
        guard let object = try? JSONParser().parseObject(bytes.readableBytesView) else { throw .badRequest("Malformed JSON body") }
        return object
    }

    var method: HTTPRequest.Method { HTTPRequest.Method(request.method.rawValue) ?? .get }

    mutating func csrfValue(header: HTTPField.Name, formField: String) async throws(JWTAuthError) -> String? {
        if let value = request.headers.first(name: header.rawName) { return value }
        guard ContentType.matches(request.headers.first(name: .contentType), "application/x-www-form-urlencoded") else { return nil }
        let bytes = try await request.collectedBody(upTo: maximumBodySize)
        return FormDecoding.field(formField, in: String(buffer: bytes))
    }
}

extension Request {
    /// The request body, at most `limit` bytes, collected and kept on the request for the handler.
    /// - Throws: `payload_too_large` over the limit, `bad_request` when it cannot be read.
    func collectedBody(upTo limit: Int) async throws(JWTAuthError) -> ByteBuffer {
        if let data = body.data {
            guard data.readableBytes <= limit else { throw .payloadTooLarge }
            return data
        }
        do {
            return try await body.collect(max: limit).get() ?? ByteBuffer()
        } catch let error as any AbortError where error.status == .payloadTooLarge {
            throw .payloadTooLarge
        } catch {
            throw .badRequest("The request body could not be read")
        }
    }
}
#endif
