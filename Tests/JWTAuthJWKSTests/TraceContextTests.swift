import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import InMemoryTracing
import JWTAuth
import JWTAuthJWKS
import JWTAuthTesting
import Synchronization
import Testing
import Tracing

/// A JWKS fetch made inside a span passes the trace on to the JWKS server (AsyncHTTPClient injects the
/// bootstrapped tracer's propagation headers: W3C `traceparent` with swift-otel). The tracer here is
/// swift-distributed-tracing's in-memory one, scoped to the test's task.
@Suite struct TraceContextTests {
    @Test(.bug(id: 19, "the JWKS client passes the caller's trace context on"))
    func aFetchCarriesTheCallersTrace() async throws {
        let key = try JWKSClientTests.key()
        let body = JSONWriter.encode(try JWTKeySet([key]).publicJWKS)
        let seen = Mutex<[String]>([])
        let router = Router()
        router.get(".well-known/jwks.json") { request, _ in
            let name = try #require(HTTPField.Name(InMemoryTracer.traceIDKey))
            seen.withLock { $0.append(request.headers[name] ?? "") }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(bytes: body)))
        }
        let tracer = InMemoryTracer()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        let traceID = try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/.well-known/jwks.json"))
            return try await withTracer(tracer) {
                // Made with the tracer in place, as an application makes it after bootstrapping one.
                let jwks = try JWKSClientTests.client(url, clock: SettableClock())
                do {
                    let traceID = try await withSpan("verify a token") { span in
                        _ = try await jwks.verificationKeys(for: key.keyID)
                        return try #require(span.context.inMemorySpanContext?.traceID)
                    }
                    try await jwks.shutdown()
                    return traceID
                } catch {
                    try await jwks.shutdown()
                    throw error
                }
            }
        }
        #expect(seen.withLock { $0 } == [traceID])
    }
}
