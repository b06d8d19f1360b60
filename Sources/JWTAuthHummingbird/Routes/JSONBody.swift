public import Hummingbird
public import JWTAuth
import JWTAuthService
import NIOCore

/// A request's JSON object body, read strictly: `application/json` in UTF-8 only (415), at most `limit` bytes
/// (413), a well-formed object (400), members of the right type (400).
public struct JSONBody: Sendable {
    private let body: JSONObjectBody

    /// The body's members.
    public var members: [String: JSONValue] { body.members }

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
        body = try JSONObjectBody(parsing: buffer.readableBytesView)
    }

    /// A required string member.
    /// - Throws: `bad_request` "Missing `name`" or "`name` must be a string".
    public func string(_ name: String) throws(JWTAuthError) -> String { try body.string(name) }

    /// An optional string member; `null` counts as absent.
    /// - Throws: `bad_request` "`name` must be a string".
    public func optionalString(_ name: String) throws(JWTAuthError) -> String? { try body.optionalString(name) }

    /// The body as one of the service's request types (``JWTAuthService/LoginRequest``, …).
    /// - Throws: `bad_request` naming the member at fault, as ``string(_:)`` does.
    package func decode<Body: RequestMessage>(_ type: Body.Type) throws(JWTAuthError) -> Body { try body.decode(type) }
}
