import AuthServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import Testing

/// Every route is declared once, where the router gets it: the 405 table, the web site's paths and the
/// OpenAPI document all agree with the router.
@Suite struct RouteTableTests {
    /// The JSON API's operations in the router and in `/openapi.json` are the same.
    @Test func theOpenAPIDocumentDescribesExactlyTheRoutersJSONAPI() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4"])
        let table = try await AuthServer.routeTable(configuration)
        let routed = Set(table.apiRoutes.flatMap { path, methods in methods.map { "\($0.rawValue) \(path)" } })

        let document = try await AuthServer.buildApplication(configuration).test(.router) { client in
            InProcessServiceTests.object(try await client.execute(uri: "/openapi.json", method: .get))
        }
        let paths = try #require(document["paths"]?.objectValue)
        let documented = Set(paths.flatMap { path, operations in (operations.objectValue ?? [:]).keys.map { "\($0.uppercased()) \(path)" } })
        #expect(
            routed == documented,
            "only routed: \(routed.subtracting(documented).sorted()); only documented: \(documented.subtracting(routed).sorted())"
        )
    }

    /// The web site's pages are known as such (HTML error pages), the API's are not, and a path's methods
    /// come from the routes (405 with `Allow`).
    @Test func webPathsAndMethodsComeFromTheRouter() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let table = try await AuthServer.routeTable(try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4"]))
        for path in ["/", "/login", "/logout", "/register", "/static/style.css"] { #expect(table.isWebPath(path), "\(path)") }
        for path in ["/auth/login", "/api/protected", "/health", "/openapi.json"] { #expect(!table.isWebPath(path), "\(path)") }
        #expect(Set(table.methods(for: "/login") ?? []) == [.get, .post])
        #expect(table.methods(for: "/auth/password") == [.put])
        #expect(table.methods(for: "/nowhere") == nil)

        let withoutWeb = try await AuthServer.routeTable(
            try AuthServerConfiguration(settings: ["DATA_DIR": directory, "BCRYPT_COST": "4", "WEB": "false"])
        )
        #expect(withoutWeb.methods(for: "/login") == nil)
        #expect(!withoutWeb.isWebPath("/login"))
    }
}
