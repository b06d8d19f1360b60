import Foundation
import HTTPTypes
import Hummingbird
import JWTAuth
import JWTAuthTesting
import Testing

/// Hostile and malformed requests get the JSON error of DESIGN.md's table, never a 500 or a crash.
@Suite struct ErrorResponseTests {
    static let json: HTTPFields = [.contentType: "application/json"]

    @Test func unknownRoutesAndMethodsAreJSON404And405() async throws {
        try await LiveServer.with { server in
            let missing = try await server.get("/no/such/route")
            #expect(missing.status == .notFound)
            #expect(missing.error == "not_found")
            #expect(missing.json["msg"]?.stringValue?.isEmpty == false)

            let wrongMethod = try await server.get("/auth/login")
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(wrongMethod.error == "method_not_allowed")
            #expect(wrongMethod.headers[.allow] == "POST")
            let delete = try await server.request(.delete, "/auth/password")
            #expect(delete.status == .methodNotAllowed)
            #expect(delete.headers[.allow] == "PUT")
        }
    }

    @Test func bodiesMustBeJSONObjectsOfTheRightShape() async throws {
        try await LiveServer.with { server in
            let credentials = JSONWriter.encode(LiveServer.credentials("frank"))
            for type in ["text/plain", "application/x-www-form-urlencoded", "application/jsonp-nope"] {
                let response = try await server.request(.post, "/auth/register", headers: [.contentType: type], body: credentials)
                #expect(response.status == .unsupportedMediaType, "\(type)")
                #expect(response.json == ["error": "unsupported_media_type", "msg": "Expected application/json"])
            }
            let untyped = try await server.request(.post, "/auth/login", body: credentials)
            #expect(untyped.status == .unsupportedMediaType)

            let malformed: [String] = [
                "", "{", #"{"username":"frank","password":"correct horse battery""#, "[]", "null", #""text""#,
                #"{"username":"frank","password":"correct horse battery"} trailing"#, "{'username':'frank'}",
                #"{"username":5,"password":"correct horse battery"}"#, #"{"username":"frank","password":["x"]}"#,
                #"{"username":"frank"}"#, #"{"password":"correct horse battery"}"#, #"{"username":null,"password":null}"#,
                String(repeating: "[", count: 5000),
            ]
            for body in malformed {
                for path in ["/auth/register", "/auth/login", "/auth/fresh-login"] {
                    let response = try await server.request(.post, path, headers: Self.json, body: Array(body.utf8))
                    #expect(response.status == .badRequest, "\(path) \(body.prefix(60)): \(response)")
                    #expect(response.error == "bad_request")
                    #expect(response.json["msg"]?.stringValue?.isEmpty == false)
                }
            }
        }
    }

    @Test func oversizedBodiesAre413AndLongUsernamesNever500() async throws {
        try await LiveServer.with { server in
            let huge = JSONWriter.encode(LiveServer.credentials(String(repeating: "a", count: 3 * 1024 * 1024)))
            let tooLarge = try await server.request(.post, "/auth/register", headers: Self.json, body: huge)
            #expect(tooLarge.status == .contentTooLarge)
            #expect(tooLarge.json == ["error": "payload_too_large", "msg": "Request body too large"])

            for length in [65, 60 * 1024, 64 * 1024] {
                for path in ["/auth/register", "/auth/login"] {
                    let body = LiveServer.credentials(String(repeating: "n", count: length))
                    let response = try await server.post(path, json: body)
                    #expect([.badRequest, .contentTooLarge].contains(response.status), "\(path) \(length): \(response)")
                    #expect(["bad_request", "payload_too_large"].contains(response.error))
                }
            }
            // The server is still well.
            #expect(try await server.get("/health").status == .ok)
        }
    }

    /// The routes that take a token and a body (logout, password) and the form route (introspect)
    /// refuse bad bodies the same way, and the token is left alone.
    @Test func hostileBodiesOnAuthenticatedRoutes() async throws {
        try await LiveServer.with(["--introspection-clients", "gateway:an introspection secret"]) { server in
            try await server.register("ines")
            let fresh = try await server.login("ines")
            let huge = Array(#"{"refresh_token":""#.utf8) + [UInt8](repeating: UInt8(ascii: "a"), count: 3 * 1024 * 1024) + Array(#""}"#.utf8)
            let cases: [(HTTPRequest.Method, String, String, [UInt8], HTTPResponse.Status, String)] = [
                (.post, "/auth/logout", "application/json", huge, .contentTooLarge, "payload_too_large"),
                (.post, "/auth/logout", "text/plain", Array("{}".utf8), .unsupportedMediaType, "unsupported_media_type"),
                (.post, "/auth/logout", "application/json", Array("{".utf8), .badRequest, "bad_request"),
                (.post, "/auth/logout", "application/json", Array(#"{"refresh_token":5}"#.utf8), .badRequest, "bad_request"),
                (.put, "/auth/password", "application/json", huge, .contentTooLarge, "payload_too_large"),
                (
                    .put, "/auth/password", "application/x-www-form-urlencoded", Array("new_password=abcdefghij".utf8), .unsupportedMediaType,
                    "unsupported_media_type"
                ),
                (.put, "/auth/password", "application/json", Array(#"{"new_password":["x"]}"#.utf8), .badRequest, "bad_request"),
                (.put, "/auth/password", "application/json", Array("\u{0}".utf8), .badRequest, "bad_request"),
            ]
            for (method, path, type, body, status, code) in cases {
                let headers: HTTPFields = [.authorization: "Bearer \(fresh.access)", .contentType: type]
                let response = try await server.request(method, path, headers: headers, body: body)
                #expect(response.status == status, "\(method) \(path) \(type) \(body.count) bytes: \(response)")
                #expect(response.error == code)
            }
            // None of them logged out or changed the password.
            #expect(try await server.get("/api/protected", token: fresh.access).status == .ok)
            _ = try await server.login("ines")

            let basic = "Basic " + Data("gateway:an introspection secret".utf8).base64EncodedString()
            let form: [(String?, [UInt8], HTTPResponse.Status, String)] = [
                ("application/json", Array(#"{"token":"x"}"#.utf8), .unsupportedMediaType, "unsupported_media_type"),
                (nil, Array("token=x".utf8), .unsupportedMediaType, "unsupported_media_type"),
                ("application/x-www-form-urlencoded", Array("token=".utf8) + huge, .contentTooLarge, "payload_too_large"),
                ("application/x-www-form-urlencoded", Array("other=1".utf8), .badRequest, "bad_request"),
            ]
            for (type, body, status, code) in form {
                var headers: HTTPFields = [.authorization: basic]
                if let type { headers[.contentType] = type }
                let response = try await server.request(.post, "/auth/introspect", headers: headers, body: body)
                #expect(response.status == status, "introspect \(type ?? "no type") \(body.count) bytes: \(response)")
                #expect(response.error == code)
            }
            #expect(try await server.get("/health").status == .ok)
        }
    }

    @Test func passwordsWithNULOrOver72BytesAreRefused() async throws {
        try await LiveServer.with { server in
            let refused = [
                "correct\u{0}horse", String(repeating: "p", count: 73), String(repeating: "é", count: 37), "short",
                String(repeating: "p", count: 72) + "\u{0}",
            ]
            for password in refused {
                let response = try await server.post("/auth/register", json: LiveServer.credentials("grace", password))
                #expect(response.status == .badRequest, "\(password.utf8.count) bytes")
                #expect(response.error == "bad_request")
            }
            // 72 bytes exactly is fine, and is not truncated: the 71-byte prefix does not log in.
            let longest = String(repeating: "é", count: 36)
            try await server.register("grace", password: longest)
            _ = try await server.login("grace", password: longest)
            let prefix = try await server.post("/auth/login", json: LiveServer.credentials("grace", String(repeating: "é", count: 35) + "e"))
            #expect(prefix.status == .unauthorized)
            let changed = try await server.send(
                .put,
                "/auth/password",
                json: ["new_password": "nul\u{0}password"],
                token: try await server.login("grace", password: longest).access
            )
            #expect(changed.status == .badRequest)
        }
    }

    @Test func missingAndMalformedAuthorizationHeaders() async throws {
        try await LiveServer.with { server in
            let missing = try await server.get("/api/protected")
            #expect(missing.status == .unauthorized)
            #expect(missing.json == ["error": "missing_token", "msg": "Missing Authorization Header"])
            #expect(missing.headers[.wwwAuthenticate] == #"Bearer realm="jwt-auth""#)

            for value in ["Basic dXNlcjpwYXNz", "Bearer", "Bearer a b", "Token abc"] {
                let response = try await server.request(.get, "/api/protected", headers: [.authorization: value])
                #expect(response.status == .unauthorized, "\(value)")
                #expect(response.error == "invalid_header")
                #expect(response.json["msg"] == "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'")
            }
        }
    }

    /// With the default settings the service reads tokens from the `Authorization` header only: a valid
    /// token in the query string (where proxies log it) or in the JSON body is not looked at.
    @Test func tokensInTheQueryStringOrBodyAreNotReadByDefault() async throws {
        try await LiveServer.with { server in
            try await server.register("quentin")
            let access = try await server.login("quentin").access
            for path in ["/api/protected?jwt=\(access)", "/api/protected?access_token=\(access)"] {
                let response = try await server.get(path)
                #expect(response.status == .unauthorized, "\(path)")
                #expect(response.error == "missing_token")
            }
            let body = try await server.post("/auth/logout", json: ["access_token": .string(access)])
            #expect(body.status == .unauthorized)
            #expect(body.error == "missing_token")
            #expect(try await server.get("/api/protected", token: access).status == .ok)
        }
    }

    /// Two hundred bad tokens of many kinds, all 401 with `WWW-Authenticate`, then a good one is 200.
    @Test func twoHundredBadTokensThenAGoodOne() async throws {
        try await LiveServer.with { server in
            let id = try await server.register("heidi")
            let good = try await server.login("heidi")
            let parts = good.access.split(separator: ".").map(String.init)
            let foreign = try TokenFactory(algorithm: .es256)
            let foreignHMAC = try TokenFactory(algorithm: .hs256)
            let now = Int64(Date().timeIntervalSince1970)
            let noneHeader = Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))
            let hsHeader = Base64URL.encode(Array(#"{"alg":"HS256","typ":"JWT"}"#.utf8))

            var bad: [String] = [
                "", "x", "a.b", "a.b.c", "...", good.access + "x", String(good.access.dropLast(2)), parts[0] + "." + parts[1] + ".",
                noneHeader + "." + parts[1] + ".", hsHeader + "." + parts[1] + "." + parts[2], good.refresh,
                parts[0] + "." + Base64URL.encode(Array(#"{"sub":"1","type":"access"}"#.utf8)) + "." + parts[2],
                String(repeating: "A", count: 9000), parts[0] + "=." + parts[1] + "." + parts[2],
                try foreign.token(subject: id), try foreignHMAC.token(subject: id),
            ]
            for index in 0..<(200 - bad.count) {
                switch index % 4 {
                case 0:
                    bad.append(
                        try foreign.token(claims: ["sub": .string(id), "exp": .int(now + 900), "jti": .string("j\(index)"), "type": "access"])
                    )
                case 1: bad.append(String(good.access.prefix(index + 1)))
                case 2:
                    var signature = Array(parts[2].utf8)
                    signature[index % signature.count] =
                        signature[index % signature.count] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
                    bad.append(parts[0] + "." + parts[1] + "." + String(decoding: signature, as: UTF8.self))
                default: bad.append(UUID().uuidString)
                }
            }
            #expect(bad.count == 200)
            for (index, token) in bad.enumerated() {
                let response = try await server.request(.get, "/api/protected", headers: [.authorization: "Bearer " + token])
                #expect(response.status == .unauthorized, "bad token \(index) (\(token.utf8.count) bytes): \(response)")
                #expect(["invalid_token", "invalid_header", "wrong_token_type"].contains(response.error))
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix(#"Bearer realm="jwt-auth""#) == true)
            }
            let after = try await server.get("/api/protected", token: good.access)
            #expect(after.status == .ok)
            #expect(after.json == ["user": .string(id)])
        }
    }
}
