public import JWTAuth

/// A request body that a front reads from an already parsed JSON object, through its `Decodable`
/// conformance.
package protocol RequestMessage: Decodable, Sendable {}

extension RequestMessage {
    /// Decodes the body from the members of a JSON object; members it does not know are ignored.
    /// - Throws: `bad_request` naming the member at fault: "Missing username", "username must be a string".
    package init(members: [String: JSONValue]) throws(JWTAuthError) {
        do {
            self = try JSONValue.object(members).decode(as: Self.self)
        } catch DecodingError.keyNotFound(let key, _) {
            throw .missingMember(key.stringValue)
        } catch DecodingError.typeMismatch(let type, let context), DecodingError.valueNotFound(let type, let context) {
            let name = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw type == String.self ? .notAString(name) : .badRequest("\(name) has the wrong type")
        } catch {
            throw .badRequest("Malformed JSON body")
        }
    }
}

extension JWTAuthError {
    /// `bad_request` "Missing `name`": a required member of a JSON body is absent.
    package static func missingMember(_ name: String) -> Self { .badRequest("Missing \(name)") }

    /// `bad_request` "`name` must be a string".
    package static func notAString(_ name: String) -> Self { .badRequest("\(name) must be a string") }
}
