import FoundationEssentials
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import Logging
import NIOCore
import Testing

/// Hummingbird's own errors, and anything a handler throws, in the JSON shape through `JWTErrorMiddleware`.
@Suite struct ErrorMiddlewareTests {
    struct Payload: Decodable {
        let name: String
    }

    /// An error whose description must never reach a client.
    struct DatabaseFailure: Error, CustomStringConvertible {
        var description: String { "password=hunter2 at db.internal" }
    }

    func app(logger: LogCapture? = nil) -> some ApplicationProtocol {
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(
            middleware: JWTErrorMiddleware(context: BasicJWTRequestContext.self) { path in
                path == "/things" ? [.get, .post] : nil
            }
        )
        router.get("/things") { _, _ in "things" }
        router.post("/things") { request, context in
            let payload = try await request.decode(as: Payload.self, context: context)
            return payload.name
        }
        router.post("/upload") { request, _ in
            var request = request
            let body = try await request.collectBody(upTo: 16)
            return "\(body.readableBytes)"
        }
        router.get("/crash") { _, _ -> String in throw DatabaseFailure() }
        router.get("/raw-decoding") { _, _ -> String in
            _ = try JSONDecoder().decode(Payload.self, from: Data("[]".utf8))
            return "unreachable"
        }
        router.get("/teapot") { _, _ -> String in throw HTTPError(.init(code: 418, reasonPhrase: "I'm a teapot"), message: "short and stout") }
        router.get("/taken") { _, _ -> String in throw HTTPError(.conflict, message: "Username already exists") }
        router.get("/gateway") { _, _ -> String in throw HTTPError(.badGateway, message: "upstream 10.0.0.7 refused") }
        return Application(router: router, logger: logger?.logger())
    }

    @Test func unknownRouteIs404() async throws {
        try await app().test(.router) { client in
            let response = try await client.send(TokenRequest("/nowhere"))
            expectError(response, .notFound, "not_found", "The requested URL was not found on the server.", challenge: .none)
        }
    }

    @Test func wrongMethodIs405WithAllow() async throws {
        try await app().test(.router) { client in
            let response = try await client.send(TokenRequest("/things", method: .delete))
            expectError(response, .methodNotAllowed, "method_not_allowed", "The method is not allowed for the requested URL.", challenge: .none)
            #expect(response.headers[.allow] == "GET, POST")
        }
    }

    @Test func bodyOverTheLimitIs413() async throws {
        try await app().test(.router) { client in
            let response = try await client.execute(uri: "/upload", method: .post, body: ByteBuffer(repeating: 0x61, count: 17))
            expectError(response, .contentTooLarge, "payload_too_large", "Request body too large", challenge: .none)
            let small = try await client.execute(uri: "/upload", method: .post, body: ByteBuffer(repeating: 0x61, count: 16))
            #expect(String(buffer: small.body) == "16")
        }
    }

    @Test(arguments: [
        (#"{"name": 5}"#, "Type mismatch for `name` key, expected `String` type."),
        (#"{"nom": "x"}"#, "Coding key `name` not found."),
    ])
    func decodingErrorsAre400(_ body: String, _ message: String) async throws {
        try await app().test(.router) { client in
            let response = try await client.execute(
                uri: "/things",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: body)
            )
            expectError(response, .badRequest, "bad_request", message, challenge: .none)
        }
    }

    @Test func malformedJSONIs400() async throws {
        try await app().test(.router) { client in
            let response = try await client.execute(
                uri: "/things",
                method: .post,
                headers: [.contentType: "application/json"],
                body: ByteBuffer(string: "{not json")
            )
            #expect(response.status == .badRequest)
            #expect(String(buffer: response.body).hasPrefix(#"{"error":"bad_request","msg":"The given data was not valid input"#))
            #expect(response.headers[.wwwAuthenticate] == nil)
            let good = try await client.execute(uri: "/things", method: .post, body: ByteBuffer(string: #"{"name":"ok"}"#))
            #expect(String(buffer: good.body) == "ok")
        }
    }

    @Test func aRawDecodingErrorIs400() async throws {
        try await app().test(.router) { client in
            expectError(try await client.send(TokenRequest("/raw-decoding")), .badRequest, "bad_request", "Invalid JSON body", challenge: .none)
        }
    }

    /// Any other error is a 500 whose body says nothing about it; the log names its type only.
    @Test func aThrownErrorIs500AndDoesNotLeak() async throws {
        let logs = LogCapture()
        try await app(logger: logs).test(.router) { client in
            let response = try await client.send(TokenRequest("/crash"))
            expectError(response, .internalServerError, "internal_error", "Internal server error", challenge: .none)
            #expect(!String(buffer: response.body).contains("hunter2"))
        }
        let errors = logs.entries.filter { $0.level == .error }
        #expect(errors.count == 1)
        #expect(errors.first?.metadata["error.type"] == "DatabaseFailure")
        #expect(!logs.entries.contains { $0.text.contains("hunter2") })
    }

    /// Statuses the error table has no code for keep their status: a 4xx with the handler's message, a
    /// 5xx with none.
    @Test func otherHTTPErrorsKeepTheirStatus() async throws {
        try await app().test(.router) { client in
            expectError(try await client.send(TokenRequest("/teapot")), .init(code: 418), "bad_request", "short and stout", challenge: .none)
            expectError(try await client.send(TokenRequest("/taken")), .conflict, "conflict", "Username already exists", challenge: .none)
            let gateway = try await client.send(TokenRequest("/gateway"))
            expectError(gateway, .badGateway, "internal_error", "Internal server error", challenge: .none)
        }
    }
}
