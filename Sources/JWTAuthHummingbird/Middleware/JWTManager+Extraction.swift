import HTTPTypes
import Hummingbird
import JWTAuth
import JWTAuthService
import NIOCore

extension JWTManager {
    /// The names tokens are looked for under.
    package var tokenNames: TokenNames {
        TokenNames(cookies: cookies, queryParameter: queryParameter, jsonAccessKey: jsonAccessKey, jsonRefreshKey: jsonRefreshKey)
    }

    /// `Authorization: Bearer <token>`: the scheme in any case, one or more spaces, exactly one token.
    static func bearerToken(_ request: Request) throws(JWTAuthError) -> String? {
        // One pass over the fields: no array of values.
        var found: String?
        for field in request.headers where field.name == .authorization {
            guard found == nil else { throw .invalidHeader() }
            found = field.value
        }
        guard let found else { return nil }
        return try BearerAuthorization.token(in: found)
    }

    static func isJSON(_ request: Request) -> Bool {
        MediaType.matches(request, "application/json")
    }

    static func isForm(_ request: Request) -> Bool {
        MediaType.matches(request, "application/x-www-form-urlencoded")
    }

    /// The request body, at most `maximumBodySize` bytes, kept on the request for the handler.
    static func body(_ request: inout Request, upTo maximumBodySize: Int) async throws(JWTAuthError) -> ByteBuffer {
        do {
            return try await request.collectBody(upTo: maximumBodySize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // `collect(upTo:)` throws NIO's `NIOTooManyBytesError`, which Hummingbird maps to 413.
            throw .payloadTooLarge
        } catch {
            throw .badRequest("The request body could not be read")
        }
    }

    /// The JSON object of the body. - Throws: `bad_request` when it is not one.
    static func jsonBody(_ request: inout Request, upTo maximumBodySize: Int) async throws(JWTAuthError) -> [String: JSONValue] {
        let buffer = try await body(&request, upTo: maximumBodySize)
        guard let object = try? JSONParser().parseObject(buffer.readableBytesView) else { throw .badRequest("Malformed JSON body") }
        return object
    }

    /// The value of one field of a form-encoded body.
    static func formField(_ name: String, in request: inout Request, upTo maximumBodySize: Int) async throws(JWTAuthError) -> String? {
        let buffer = try await body(&request, upTo: maximumBodySize)
        return FormDecoding.field(name, in: String(buffer: buffer))
    }
}

/// A Hummingbird request as the domain's token carrier.
struct RequestTokenCarrier: AuthenticatingRequest {
    var request: Request
    /// The manager's ``JWTManager/maximumBodySize``: all of the manager a carrier needs, so that checking a
    /// request does not copy the manager.
    let maximumBodySize: Int

    func bearerToken() throws(JWTAuthError) -> String? { try JWTManager.bearerToken(request) }
    func cookie(_ name: String) -> String? { request.cookies[name]?.value }
    func queryParameter(_ name: String) -> String? { request.uri.queryParameters[name[...]].map(String.init) }
    var hasJSONBody: Bool { JWTManager.isJSON(request) }
    mutating func jsonObject() async throws(JWTAuthError) -> [String: JSONValue] { try await JWTManager.jsonBody(&request, upTo: maximumBodySize) }
    var method: HTTPRequest.Method { request.method }

    mutating func csrfValue(header: HTTPField.Name, formField: String) async throws(JWTAuthError) -> String? {
        if let value = request.headers[header] { return value }
        guard JWTManager.isForm(request) else { return nil }
        return try await JWTManager.formField(formField, in: &request, upTo: maximumBodySize)
    }
}
