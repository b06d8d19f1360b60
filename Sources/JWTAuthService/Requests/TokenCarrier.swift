package import JWTAuth

/// What an adapter reads of a request to find its token; ``findToken(refresh:locations:names:)`` holds
/// the rules every adapter shares (the order of locations, the missing-token messages).
package protocol TokenCarrier {
    /// The token of the request's one `Authorization: Bearer` field; nil without the field.
    /// - Throws: `invalid_header` for several fields, another scheme or not one token.
    func bearerToken() throws(JWTAuthError) -> String?
    /// The value of the cookie `name`.
    func cookie(_ name: String) -> String?
    /// The value of the query parameter `name`.
    func queryParameter(_ name: String) -> String?
    /// Whether the body is `application/json` in UTF-8.
    var hasJSONBody: Bool { get }
    /// The body's JSON object, read (once) and kept for the handler.
    /// - Throws: `payload_too_large` over the limit, `bad_request` when it is not a JSON object.
    mutating func jsonObject() async throws(JWTAuthError) -> [String: JSONValue]
}

/// A token found in a request, and where.
package struct FoundToken: Sendable {
    package let token: String
    package let location: TokenLocation
}

/// The names a token is looked for under, by location.
package struct TokenNames: Sendable {
    package var cookies: JWTCookieConfiguration
    package var queryParameter: String
    package var jsonAccessKey: String
    package var jsonRefreshKey: String

    package init(cookies: JWTCookieConfiguration, queryParameter: String, jsonAccessKey: String, jsonRefreshKey: String) {
        self.cookies = cookies
        self.queryParameter = queryParameter
        self.jsonAccessKey = jsonAccessKey
        self.jsonRefreshKey = jsonRefreshKey
    }
}

extension TokenCarrier {
    /// Looks for a token in `locations`, in order: the first location holding one wins. Nil, with
    /// Flask-JWT-Extended's reason for each location, when there is none.
    package mutating func findToken(
        refresh: Bool,
        locations: [TokenLocation],
        names: TokenNames
    ) async throws(JWTAuthError) -> (FoundToken?, missing: [String]) {
        var missing: [String] = []
        for location in locations {
            switch location {
            case .headers:
                if let token = try bearerToken() { return (FoundToken(token: token, location: .headers), missing) }
                missing.append("Missing Authorization Header")
            case .cookies:
                let name = refresh ? names.cookies.refreshCookieName : names.cookies.accessCookieName
                if let token = cookie(name), !token.isEmpty { return (FoundToken(token: token, location: .cookies), missing) }
                missing.append("Missing cookie \"\(name)\"")
            case .query:
                if let token = queryParameter(names.queryParameter), !token.isEmpty {
                    return (FoundToken(token: token, location: .query), missing)
                }
                missing.append("Missing \"\(names.queryParameter)\" query parameter")
            case .json:
                let key = refresh ? names.jsonRefreshKey : names.jsonAccessKey
                guard hasJSONBody else {
                    missing.append("Invalid content-type. Must be application/json")
                    continue
                }
                if let token = try await jsonObject()[key]?.stringValue { return (FoundToken(token: token, location: .json), missing) }
                missing.append("Missing \"\(key)\" key in json data")
            default:
                continue
            }
        }
        return (nil, missing)
    }
}

extension FoundToken {
    /// The message for a request without a token, in Flask-JWT-Extended's words.
    package static func missingMessage(_ missing: [String], locations: [TokenLocation]) -> String {
        guard missing.count > 1 else { return missing.first ?? "Missing JWT" }
        let names = locations.map(\.name)
        let joined = names.count == 2 ? names.joined(separator: " or ") : names.dropLast().joined(separator: ", ") + " or " + names.last!
        return "Missing JWT in \(joined) (\(missing.joined(separator: "; ")))"
    }
}
