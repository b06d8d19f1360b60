#if Vapor
import JWTAuth
import JWTAuthService
import JWTAuthTesting
import JWTAuthVapor
import NIOCore
import Testing
import Vapor
import VaporTesting

/// A signing key, a settable clock, an in-memory revocation store, and a Vapor application protecting
/// `/required`, `/optional`, `/fresh` and `/refresh` (every method) and `/required/admin` (role `admin`), each
/// answering `{"user": <sub or null>}`.
struct VaporFixture {
    let factory: TokenFactory
    let store: MemoryRevocationStore

    var clock: SettableClock { factory.clock }
    var issuer: TokenIssuer { factory.issuer }

    init() throws {
        factory = try TokenFactory(configuration: TokenConfiguration(includesCSRFClaim: true))
        store = MemoryRevocationStore(clock: factory.clock.clock)
    }

    /// A fixture over another's keys and store (the shared conformance cases').
    init(factory: TokenFactory, store: MemoryRevocationStore) {
        self.factory = factory
        self.store = store
    }

    func manager(locations: [TokenLocation] = [.headers], revocationStore: (any RevocationStore)? = nil) throws -> JWTManager {
        var manager = JWTManager(verifier: try factory.verifier(revocationStore: revocationStore ?? store), issuer: factory.issuer)
        manager.locations = locations
        return manager
    }

    /// `{"user": <sub or null>}`.
    struct UserBody: Content {
        var user: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(user, forKey: .user)
        }
    }

    static let requirements: [(path: String, requirement: JWTRequirement)] = [
        ("required", .required), ("optional", .optional), ("fresh", .fresh), ("refresh", .refresh),
    ]

    /// Runs `test` against the application built on `manager`; `routes` adds more.
    func withApp(
        _ manager: JWTManager,
        routes: @escaping @Sendable (Application) throws -> Void = { _ in },
        _ test: (Application) async throws -> Void
    ) async throws {
        try await VaporTesting.withApp(
            configure: { app in
                app.middleware = Middlewares()
                app.middleware.use(JWTErrorMiddleware())
                app.jwtAuth.manager = manager
                app.lifecycle.use(JWTAuthLifecycle())
                for (path, requirement) in Self.requirements {
                    let group = app.grouped(JWTAuthMiddleware(requirement)).grouped(PathComponent(stringLiteral: path))
                    for method in [HTTPMethod.GET, .POST, .PUT, .PATCH, .DELETE] {
                        group.on(method, body: .stream) { request in UserBody(user: request.jwtAuth.optionalIdentity?.subject) }
                    }
                    group.grouped(RoleRequiredMiddleware("admin")).get("admin") { request in
                        UserBody(user: try request.jwtAuth.identity.subject)
                    }
                }
                try routes(app)
            },
            test
        )
    }
}

/// A request's token placed at a location.
struct Carried {
    var path: String
    var headers = HTTPHeaders()
    var body: ByteBuffer? = nil

    init(_ path: String) { self.path = path }

    /// `token` at `location`: the `Authorization` header, the cookie (with its CSRF header), `?jwt=` or the JSON body.
    init(_ path: String, _ token: String, at location: TokenLocation, refresh: Bool = false, csrf: String? = nil) {
        self.path = path
        switch location {
        case .headers:
            headers.add(name: .authorization, value: "Bearer \(token)")
        case .cookies:
            headers.add(name: .cookie, value: "\(refresh ? "refresh_token_cookie" : "access_token_cookie")=\(token)")
            if let csrf { headers.add(name: "X-CSRF-TOKEN", value: csrf) }
        case .query:
            self.path += "?jwt=\(token)"
        default:
            headers.add(name: .contentType, value: "application/json")
            body = ByteBuffer(string: #"{"\#(refresh ? "refresh_token" : "access_token")":"\#(token)"}"#)
        }
    }
}

extension Application {
    func send(_ method: HTTPMethod, _ carried: Carried) async throws -> TestingHTTPResponse {
        try await testing().sendRequest(method, carried.path, headers: carried.headers, body: carried.body)
    }

    func send(_ method: HTTPMethod, _ path: String, headers: HTTPHeaders = [:], json: String? = nil) async throws -> TestingHTTPResponse {
        var headers = headers
        if json != nil, headers.first(name: .contentType) == nil { headers.add(name: .contentType, value: "application/json") }
        return try await testing().sendRequest(method, path, headers: headers, body: json.map { ByteBuffer(string: $0) })
    }
}

extension TestingHTTPResponse {
    /// The body as a JSON object.
    var object: [String: JSONValue] { (try? JSONParser().parseObject(body.readableBytesView)) ?? [:] }
    var text: String { String(buffer: body) }
}

/// Checks an error response: status, exact body and `WWW-Authenticate`.
func expectError(
    _ response: TestingHTTPResponse,
    _ status: HTTPResponseStatus,
    _ code: String,
    _ message: String,
    challenge: String?,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(response.status == status, sourceLocation: sourceLocation)
    let body = JSONWriter.encode(.object(["error": .string(code), "msg": .string(message)]), sortedKeys: true)
    #expect(response.text == String(decoding: body, as: UTF8.self), sourceLocation: sourceLocation)
    #expect(response.headers.first(name: .contentType) == "application/json; charset=utf-8", sourceLocation: sourceLocation)
    #expect(response.headers.first(name: .wwwAuthenticate) == challenge, sourceLocation: sourceLocation)
}
#endif
