import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthJWKS
import JWTAuthTesting
import Synchronization
import Testing

/// The JWKS client names itself and the package's version in `User-Agent`.
@Suite struct UserAgentTests {
    @Test func theClientSendsItsNameAndThePackagesVersion() async throws {
        let key = try JWKSClientTests.key()
        let body = JSONWriter.encode(try JWTKeySet([key]).publicJWKS)
        let seen = Mutex<[String]>([])
        let router = Router()
        router.get(".well-known/jwks.json") { request, _ in
            seen.withLock { $0.append(request.headers[.userAgent] ?? "") }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: .init(bytes: body)))
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = try #require(URL(string: "http://127.0.0.1:\(port)/.well-known/jwks.json"))
            let jwks = try JWKSClientTests.client(url, clock: SettableClock())
            do {
                _ = try await jwks.verificationKeys(for: key.keyID)
            } catch {
                try await jwks.shutdown()
                throw error
            }
            try await jwks.shutdown()
        }
        #expect(seen.withLock { $0 } == ["JWTAuthJWKS/\(JWTAuthVersion.current)"])
    }
}
