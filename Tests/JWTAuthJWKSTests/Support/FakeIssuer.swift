import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import NIOCore
import Synchronization
import Testing

/// A JWKS endpoint on loopback whose behaviour a test switches, counting the requests it gets.
final class FakeIssuer: Sendable {
    enum Mode: Sendable {
        /// The keys, with `Cache-Control: max-age=<maxAge>` and an ETag (304 for a matching If-None-Match).
        case normal
        case status(HTTPResponse.Status)
        case garbage
        /// A body of this many bytes, streamed without Content-Length.
        case huge(Int)
        /// Headers, then one byte every 100 ms for 30 s.
        case slow
        /// A redirect to this URL.
        case redirect(String)
        /// A document with a private key in it.
        case privateKey
    }

    struct State {
        var mode: Mode = .normal
        var keys: [JWTKey] = []
        var maxAge = 300
        var requests = 0
    }

    let state = Mutex(State())

    init(keys: [JWTKey]) {
        state.withLock { $0.keys = keys }
    }

    var requests: Int { state.withLock { $0.requests } }

    func set(_ mode: Mode) { state.withLock { $0.mode = mode } }
    func add(_ key: JWTKey) { state.withLock { $0.keys.append(key) } }

    /// Runs the issuer live on a loopback port for the duration of `body`, which gets its JWKS URL.
    func run<Value: Sendable>(_ body: @Sendable (URL) async throws -> Value) async throws -> Value {
        let router = Router()
        router.get(".well-known/jwks.json") { request, _ in self.respond(request) }
        router.get("moved") { _, _ in
            Response(status: .found, headers: [.location: "/.well-known/jwks.json"])
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        return try await app.test(.live) { client in
            let port = try #require(client.port)
            return try await body(URL(string: "http://127.0.0.1:\(port)/.well-known/jwks.json")!)
        }
    }

    private func respond(_ request: Request) -> Response {
        let (mode, keys, maxAge) = state.withLock { state in
            state.requests += 1
            return (state.mode, state.keys, state.maxAge)
        }
        switch mode {
        case .normal:
            let set = (try? JWTKeySet(keys.compactMap(\.publicKey))) ?? (try! JWTKeySet())
            let body = JSONWriter.encode(set.publicJWKS, sortedKeys: true)
            let tag = "\"\(body.count)-\(keys.count)\""
            if request.headers[.ifNoneMatch] == tag {
                return Response(status: .notModified, headers: [.eTag: tag, .cacheControl: "max-age=\(maxAge)"])
            }
            return Response(
                status: .ok,
                headers: [.contentType: "application/json", .cacheControl: "public, max-age=\(maxAge)", .eTag: tag],
                body: .init(byteBuffer: ByteBuffer(bytes: body))
            )
        case .status(let status):
            return Response(status: status)
        case .garbage:
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(string: "<html>not json</html>")))
        case .huge(let size):
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 64 * 1024)
                    for _ in 0..<(size / chunk.readableBytes) { try await writer.write(chunk) }
                    try await writer.finish(nil)
                }
            )
        case .slow:
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    for _ in 0..<300 {
                        try await writer.write(ByteBuffer(string: " "))
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    try await writer.finish(nil)
                }
            )
        case .redirect(let location):
            return Response(status: .found, headers: [.location: location])
        case .privateKey:
            let key = keys.first ?? (try! JWTKey.generate(.es256))
            let body = JSONWriter.encode(.object(["keys": .array([.object(key.privateJWK)])]))
            return Response(status: .ok, body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
