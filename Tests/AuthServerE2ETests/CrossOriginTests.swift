import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// `JWT_AUTH_CORS_ORIGINS` on the live server, with raw requests as a browser sends them: a listed origin
/// gets its preflight answered and credentials allowed, with its own origin and never `*`; any other origin,
/// and the web site's pages, get no CORS header at all; without the setting there is none either.
@Suite struct CrossOriginTests {
    static let app = "http://127.0.0.1:5173"

    func preflight(_ server: LiveServer, _ path: String, origin: String, method: String = "POST") async throws -> HTTPResult {
        try await server.request(
            .options,
            path,
            headers: [.origin: origin, .accessControlRequestMethod: method, .accessControlRequestHeaders: "content-type, authorization, x-evil"]
        )
    }

    @Test func aListedOriginMayCallTheAPIWithCredentials() async throws {
        try await LiveServer.with(environment: ["JWT_AUTH_CORS_ORIGINS": "https://app.example.com, \(Self.app)"]) { server in
            let answer = try await preflight(server, "/auth/login", origin: Self.app)
            #expect(answer.status == .noContent)
            #expect(answer.headers[.accessControlAllowOrigin] == Self.app)
            #expect(answer.headers[.accessControlAllowCredentials] == "true")
            #expect(answer.headers[.accessControlAllowMethods] == "POST")
            #expect(answer.headers[.accessControlAllowHeaders] == "content-type, authorization", "the headers asked for that the API reads")
            #expect(answer.headers[.accessControlMaxAge] == "600")
            #expect(answer.headers[values: .vary].contains("Origin"))

            let me = try await preflight(server, "/auth/me", origin: "https://app.example.com", method: "GET")
            #expect(me.status == .noContent && me.headers[.accessControlAllowOrigin] == "https://app.example.com")

            // The request itself: its answer carries the origin, credentials and the headers a script may read.
            _ = try await server.register("cora")
            var headers: HTTPFields = [.origin: Self.app, .contentType: "application/json"]
            let login = try await server.request(.post, "/auth/login", headers: headers, body: JSONWriter.encode(LiveServer.credentials("cora")))
            #expect(login.status == .ok)
            #expect(login.headers[.accessControlAllowOrigin] == Self.app)
            #expect(login.headers[.accessControlAllowCredentials] == "true")
            #expect(login.headers[.accessControlExposeHeaders]?.contains("Retry-After") == true)
            headers[.contentType] = nil
            let refused = try await server.request(.get, "/api/protected", headers: headers)
            #expect(refused.status == .unauthorized)
            #expect(refused.headers[.accessControlAllowOrigin] == Self.app, "an error is readable by the app too")
        }
    }

    @Test func anotherOriginTheWebSiteAndAnUnknownPathGetNoCORSHeaders() async throws {
        try await LiveServer.with(environment: ["JWT_AUTH_CORS_ORIGINS": Self.app]) { server in
            for origin in ["http://127.0.0.1:5174", "https://127.0.0.1:5173", "null", "http://evil.example"] {
                let answer = try await preflight(server, "/auth/login", origin: origin)
                #expect(answer.status != .noContent && answer.status != .ok, "\(origin): \(answer)")
                #expect(answer.headers[.accessControlAllowOrigin] == nil && answer.headers[.accessControlAllowCredentials] == nil)
                let get = try await server.request(.get, "/livez", headers: [.origin: origin])
                #expect(get.status == .ok && get.headers[.accessControlAllowOrigin] == nil)
                #expect(get.headers[values: .vary].contains("Origin"))
            }
            // The web site's pages are same-origin forms: no CORS, even for the listed origin.
            let page = try await server.request(.get, "/login", headers: [.origin: Self.app])
            #expect(page.headers[.accessControlAllowOrigin] == nil)
            let unknown = try await preflight(server, "/no/such/path", origin: Self.app)
            #expect(unknown.headers[.accessControlAllowOrigin] == nil)
            for response in [page, unknown] { #expect(response.headers[.accessControlAllowOrigin] != "*") }
        }
    }

    @Test func withoutTheSettingNoOriginIsAllowed() async throws {
        try await LiveServer.with { server in
            let answer = try await preflight(server, "/auth/login", origin: Self.app)
            #expect(answer.headers[.accessControlAllowOrigin] == nil && answer.headers[.accessControlAllowCredentials] == nil)
            let get = try await server.request(.get, "/livez", headers: [.origin: Self.app])
            #expect(get.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test(arguments: ["*", "https://app.example.com/", "app.example.com", "ftp://x.example", "https://a.example/path"])
    func aValueThatIsNotAnOriginStopsTheStart(value: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-cors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CommandResult.run(["serve", "--port", "0"], directory: directory, environment: ["JWT_AUTH_CORS_ORIGINS": value])
        #expect(result.exit.status == 2)
        #expect(result.stderr.hasPrefix("JWT_AUTH_CORS_ORIGINS: expected origins"), "\(result.stderr)")
    }
}
