import AuthServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryTracing
import JWTAuth
import Testing
import Tracing

/// The service's spans, recorded in-process by swift-distributed-tracing's in-memory tracer (scoped to the
/// test's task, so no process-wide tracer is bootstrapped): a server span per request under the caller's
/// context, login with bcrypt and the user lookup as its children, refresh, the revocation check of each
/// verified token, and nothing secret in an attribute. `TraceExportTests` checks the same over OTLP on the
/// live server.
@Suite struct RequestSpanTests {
    static let password = "a span-checked password 3a9e"

    /// The spans of a register, a login under the caller's context, a protected request, a refresh and a
    /// request for a path the service does not have.
    static func record() async throws -> (spans: [FinishedInMemorySpan], tokens: [String]) {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4", "REGISTER_ATTEMPTS": "0"])
        let tracer = InMemoryTracer()
        let tokens = try await withTracer(tracer) {
            try await AuthServer.buildApplication(configuration).test(.router) { client in
                let credentials = JSONWriter.encode(["username": "spanner", "password": .string(password)] as JSONValue)
                let register = try await client.execute(
                    uri: "/auth/register",
                    method: .post,
                    headers: InProcessServiceTests.json,
                    body: ByteBuffer(bytes: credentials)
                )
                try #require(register.status == .created)
                var headers = InProcessServiceTests.json
                headers[HTTPField.Name(InMemoryTracer.traceIDKey)!] = "caller-trace"
                headers[HTTPField.Name(InMemoryTracer.spanIDKey)!] = "caller-span"
                let login = try await client.execute(uri: "/auth/login", method: .post, headers: headers, body: ByteBuffer(bytes: credentials))
                try #require(login.status == .ok)
                let body = InProcessServiceTests.object(login)
                let access = try #require(body["access_token"]?.stringValue)
                let refresh = try #require(body["refresh_token"]?.stringValue)
                let protected = try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(access)"])
                #expect(protected.status == .ok)
                let refreshed = try await client.execute(uri: "/auth/refresh", method: .post, headers: [.authorization: "Bearer \(refresh)"])
                #expect(refreshed.status == .ok)
                #expect(try await client.execute(uri: "/no/such/path?jwt=\(access)", method: .get).status == .notFound)
                return [access, refresh]
            }
        }
        return (tracer.finishedSpans, tokens)
    }

    @Test(.bug(id: 19, "a span per request, login, bcrypt, refresh, revocation check and store call"))
    func theSpansOfARequestNestAsItsWorkDoes() async throws {
        let (spans, _) = try await Self.record()
        func span(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> FinishedInMemorySpan {
            try #require(spans.first { $0.operationName == name }, "no span \(name) in \(spans.map(\.operationName))", sourceLocation: sourceLocation)
        }
        let request = try span("POST /auth/login")
        #expect(request.kind == .server)
        #expect(request.traceID == "caller-trace" && request.parentSpanID == "caller-span")
        #expect(request.attributes["http.request.method"]?.toSpanAttribute() == "POST")
        #expect(request.attributes["http.route"]?.toSpanAttribute() == "/auth/login")
        #expect(request.attributes["http.response.status_code"]?.toSpanAttribute() == 200)
        let login = try span("login")
        #expect(login.parentSpanID == request.spanID)
        #expect(try span("bcrypt.verify").parentSpanID == login.spanID)
        let lookup = try span("by_name users")
        #expect(lookup.parentSpanID == login.spanID && lookup.kind == .client)
        #expect(lookup.attributes["db.system.name"]?.toSpanAttribute() == "sqlite")
        #expect(try span("open sessions").parentSpanID == login.spanID)
        #expect(try span("bcrypt.hash").parentSpanID == (try span("register")).spanID)

        let protected = try span("GET /api/protected")
        #expect(protected.parentSpanID == nil)
        let checks = spans.filter { $0.operationName == "check revocations" }
        #expect(checks.contains { $0.parentSpanID == protected.spanID })
        let refresh = try span("refresh")
        #expect(refresh.parentSpanID == (try span("POST /auth/refresh")).spanID)
        #expect(spans.contains { $0.operationName == "rotate sessions" && $0.parentSpanID == refresh.spanID })

        // A path the service does not have: the method alone names the span, and 404 is no error of the server.
        let unknown = try span("GET")
        #expect(unknown.attributes["http.route"] == nil)
        #expect(unknown.attributes["http.response.status_code"]?.toSpanAttribute() == 404)
        #expect(unknown.status?.code != .error)
        #expect(unknown.attributes["url.query"]?.toSpanAttribute() == "jwt=REDACTED")
    }

    @Test(.bug(id: 19, "no span attribute holds a password or a token"))
    func noAttributeHoldsAPasswordOrAToken() async throws {
        let (spans, tokens) = try await Self.record()
        #expect(spans.count > 10)
        for span in spans {
            var texts = [span.operationName]
            // SpanAttributes is no Sequence: forEach is its only way through.
            // swift-format-ignore: ReplaceForEachWithForLoop
            span.attributes.forEach { key, value in texts.append("\(key)=\(value)") }
            texts += span.events.map { "\($0.name) \($0.attributes)" }
            for text in texts {
                #expect(!text.contains(Self.password), "the password is in \(span.operationName)")
                for token in tokens {
                    let signature = try #require(token.split(separator: ".").last)
                    #expect(!text.contains(signature), "a token is in \(span.operationName)")
                }
            }
        }
    }
}
