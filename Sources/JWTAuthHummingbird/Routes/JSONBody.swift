public import Hummingbird
public import JWTAuth
import JWTAuthService
import NIOCore

/// A request's JSON object body, read strictly: `application/json` in UTF-8 only (415), at most `limit` bytes
/// (413), a well-formed object (400), members of the right type (400).
public struct JSONBody: Sendable {
    public let members: [String: JSONValue]

    /// Reads the body of `request`.
    public init(_ request: inout Request, limit: Int = 64 * 1024) async throws(JWTAuthError) {
        guard MediaType.matches(request, "application/json") else {
            throw .unsupportedMediaType
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: limit)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            // `collect(upTo:)` throws NIO's `NIOTooManyBytesError`, not an `HTTPError`.
            throw .payloadTooLarge
        } catch {
            throw .badRequest("The request body could not be read")
        }
        do {
            members = try JSONParser().parseObject(buffer.readableBytesView)
        } catch {
            throw .badRequest("Malformed JSON body: \(error.description)")
        }
    }

    /// A required string member.
    /// - Throws: `bad_request` "Missing `name`" or "`name` must be a string".
    public func string(_ name: String) throws(JWTAuthError) -> String {
        guard let value = members[name] else { throw .missingMember(name) }
        guard let string = value.stringValue else { throw .notAString(name) }
        return string
    }

    /// An optional string member; `null` counts as absent.
    /// - Throws: `bad_request` "`name` must be a string".
    public func optionalString(_ name: String) throws(JWTAuthError) -> String? {
        guard let value = members[name], value != .null else { return nil }
        guard let string = value.stringValue else { throw .notAString(name) }
        return string
    }

    /// The body as one of the service's request types (``JWTAuthService/LoginRequest``, …).
    /// - Throws: `bad_request` naming the member at fault, as ``string(_:)`` does.
    package func decode<Body: RequestMessage>(_ type: Body.Type) throws(JWTAuthError) -> Body {
        try Body(members: members)
    }
}
