package import JWTAuth

/// A request's JSON object body, read strictly: a well-formed object (400), members of the right type (400).
/// Adapters check the media type (415) and the size (413) before.
package struct JSONObjectBody: Sendable {
    package let members: [String: JSONValue]

    /// Parses `bytes`. - Throws: `bad_request` when they are not one JSON object.
    package init(parsing bytes: some Collection<UInt8>) throws(JWTAuthError) {
        do {
            members = try JSONParser().parseObject(bytes)
        } catch {
            throw .badRequest("Malformed JSON body: \(error.description)")
        }
    }

    /// A required string member.
    package func string(_ name: String) throws(JWTAuthError) -> String {
        guard let value = members[name] else { throw .missingMember(name) }
        guard let string = value.stringValue else { throw .notAString(name) }
        return string
    }

    /// An optional string member.
    package func optionalString(_ name: String) throws(JWTAuthError) -> String? {
        guard let value = members[name], value != .null else { return nil }
        guard let string = value.stringValue else { throw .notAString(name) }
        return string
    }

    /// The body as one of the service's request types (``LoginRequest``, …).
    /// - Throws: `bad_request` naming the member at fault, as ``string(_:)`` does.
    package func decode<Body: RequestMessage>(_ type: Body.Type) throws(JWTAuthError) -> Body {
        try Body(members: members)
    }
}
