import HTTPTypes
import Hummingbird
import JWTAuth
import NIOCore

extension JWTManager {
    /// A token found in a request, and where.
    struct FoundToken {
        let token: String
        let location: TokenLocation
    }

    /// Looks for a token in `locations`, in order; nil with the reasons when there is none.
    func findToken(
        in request: inout Request,
        refresh: Bool,
        locations: [TokenLocation]
    ) async throws(JWTAuthError) -> (FoundToken?, missing: [String]) {
        var missing: [String] = []
        for location in locations {
            switch location {
            case .headers:
                if let token = try bearerToken(request) { return (FoundToken(token: token, location: .headers), missing) }
                missing.append("Missing Authorization Header")
            case .cookies:
                let name = refresh ? cookies.refreshCookieName : cookies.accessCookieName
                if let token = request.cookies[name]?.value, !token.isEmpty { return (FoundToken(token: token, location: .cookies), missing) }
                missing.append("Missing cookie \"\(name)\"")
            case .query:
                if let token = request.uri.queryParameters[queryParameter[...]].map(String.init), !token.isEmpty {
                    return (FoundToken(token: token, location: .query), missing)
                }
                missing.append("Missing \"\(queryParameter)\" query parameter")
            case .json:
                let key = refresh ? jsonRefreshKey : jsonAccessKey
                guard Self.isJSON(request) else {
                    missing.append("Invalid content-type. Must be application/json")
                    continue
                }
                if let token = try await jsonBody(&request)[key]?.stringValue { return (FoundToken(token: token, location: .json), missing) }
                missing.append("Missing \"\(key)\" key in json data")
            default:
                continue
            }
        }
        return (nil, missing)
    }

    /// The message for a request without a token, in Flask-JWT-Extended's words.
    static func missingMessage(_ missing: [String], locations: [TokenLocation]) -> String {
        guard missing.count > 1 else { return missing.first ?? "Missing JWT" }
        let names = locations.map(\.name)
        let joined = names.count == 2 ? names.joined(separator: " or ") : names.dropLast().joined(separator: ", ") + " or " + names.last!
        return "Missing JWT in \(joined) (\(missing.joined(separator: "; ")))"
    }

    /// `Authorization: Bearer <token>`: the scheme in any case, one or more spaces, exactly one token.
    func bearerToken(_ request: Request) throws(JWTAuthError) -> String? {
        // One pass over the fields, reading the value in place: no array of values, no lowercased copy.
        var found: String?
        for field in request.headers where field.name == .authorization {
            guard found == nil else { throw .invalidHeader() }
            found = field.value
        }
        guard var value = found else { return nil }
        let token = value.withUTF8 { utf8 -> String? in
            guard utf8.count > 7, Self.isBearerScheme(utf8), utf8[6] == UInt8(ascii: " ") else { return nil }
            var start = 6
            while start < utf8.count, utf8[start] == UInt8(ascii: " ") { start += 1 }
            var end = utf8.count
            while end > start, utf8[end - 1] == UInt8(ascii: " ") || utf8[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            let token = UnsafeBufferPointer(rebasing: utf8[start..<end])
            guard !token.isEmpty, !token.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ",") }) else {
                return nil
            }
            return String(decoding: token, as: UTF8.self)
        }
        guard let token else { throw .invalidHeader() }
        return token
    }

    /// Whether the first six bytes are `bearer` in any case (ASCII only: setting bit 0x20 lowercases
    /// exactly the letters, and no other byte becomes one of these lowercase letters that way).
    private static func isBearerScheme(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.count >= 6 && zip(utf8[0..<6], "bearer".utf8).allSatisfy { $0 | 0x20 == $1 }
    }

    static func isJSON(_ request: Request) -> Bool {
        MediaType.matches(request, "application/json")
    }

    static func isForm(_ request: Request) -> Bool {
        MediaType.matches(request, "application/x-www-form-urlencoded")
    }

    /// The request body, at most ``maximumBodySize`` bytes, kept on the request for the handler.
    func body(_ request: inout Request) async throws(JWTAuthError) -> ByteBuffer {
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
    func jsonBody(_ request: inout Request) async throws(JWTAuthError) -> [String: JSONValue] {
        let buffer = try await body(&request)
        guard let object = try? JSONParser().parseObject(buffer.readableBytesView) else { throw .badRequest("Malformed JSON body") }
        return object
    }

    /// The value of one field of a form-encoded body.
    func formField(_ name: String, in request: inout Request) async throws(JWTAuthError) -> String? {
        let buffer = try await body(&request)
        return FormDecoding.field(name, in: String(buffer: buffer))
    }
}

/// Reads `application/x-www-form-urlencoded` text.
public enum FormDecoding {
    /// The first value of `name`, percent-decoded, or nil.
    public static func field(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]), key == name else { continue }
            return parts.count > 1 ? decode(parts[1]) : ""
        }
        return nil
    }

    /// Percent-decodes, with `+` as space; nil for malformed escapes or invalid UTF-8.
    public static func decode(_ text: Substring) -> String? {
        PercentDecoding.decode(text, plusAsSpace: true)
    }
}
