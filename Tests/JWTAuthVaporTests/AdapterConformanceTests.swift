#if Vapor
import JWTAuth
import JWTAuthTestSupport
import JWTAuthVapor
import NIOCore
import Testing
import Vapor
import VaporTesting

/// The conformance cases both adapters run (JWTAuthTestSupport's `AdapterConformance`), through VaporTesting.
@Suite struct AdapterConformanceTests {
    @Test(arguments: [TokenLocation.headers, .cookies, .query, .json])
    func conformance(_ location: TokenLocation) async throws {
        let conformance = try AdapterConformance()
        let fixture = VaporFixture(factory: conformance.factory, store: conformance.store)
        let cases = try await conformance.cases(at: location)
        try await fixture.withApp(try fixture.manager(locations: [location])) { app in
            for test in cases {
                let response = try await app.testing().sendRequest(
                    HTTPMethod(rawValue: test.method),
                    test.path,
                    headers: HTTPHeaders(test.headers.map { ($0.name, $0.value) }),
                    body: test.body.map { ByteBuffer(string: $0) }
                )
                #expect(Int(response.status.code) == test.status, "\(test)")
                #expect(String(buffer: response.body) == test.responseBody, "\(test)")
                #expect(response.headers.first(name: .wwwAuthenticate) == test.challenge, "\(test)")
            }
        }
    }
}
#endif
