import HTTPTypes
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTestSupport
import NIOCore
import Testing

/// The conformance cases both adapters run (JWTAuthTestSupport's `AdapterConformance`), through HummingbirdTesting.
@Suite struct AdapterConformanceTests {
    @Test(arguments: [TokenLocation.headers, .cookies, .query, .json])
    func conformance(_ location: TokenLocation) async throws {
        let conformance = try AdapterConformance()
        let fixture = AuthFixture(factory: conformance.factory, store: conformance.store)
        let cases = try await conformance.cases(at: location)
        try await fixture.app(try fixture.manager(locations: [location])).test(.router) { client in
            for test in cases {
                var headers = HTTPFields()
                for (name, value) in test.headers { headers.append(HTTPField(name: try #require(HTTPField.Name(name)), value: value)) }
                let response = try await client.execute(
                    uri: test.path,
                    method: try #require(HTTPRequest.Method(test.method)),
                    headers: headers,
                    body: test.body.map { ByteBuffer(string: $0) }
                )
                #expect(response.status.code == test.status, "\(test)")
                #expect(String(buffer: response.body) == test.responseBody, "\(test)")
                #expect(response.headers[.wwwAuthenticate] == test.challenge, "\(test)")
            }
        }
    }
}
