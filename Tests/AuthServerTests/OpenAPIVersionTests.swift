import AuthServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import Testing

/// The served OpenAPI document's `info.version` is the package's version.
@Suite struct OpenAPIVersionTests {
    @Test func theServedDocumentCarriesThePackagesVersion() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4"])
        let document = try await AuthServer.buildApplication(configuration).test(.router) { client in
            InProcessServiceTests.object(try await client.execute(uri: "/openapi.json", method: .get))
        }
        #expect(document["info"]?["version"]?.stringValue == JWTAuthVersion.current)
        #expect(document["openapi"]?.stringValue == "3.1.0")
    }
}
