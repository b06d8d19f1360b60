import Hummingbird
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import NIOCore
import Testing

/// `AuthService.additionalClaims` through the JSON routes: the claims reach the tokens of login and refresh, and
/// a loader that fails answers 503.
@Suite struct AdditionalClaimsRouteTests {
    struct Failure: Error {}

    static let jsonHeaders: HTTPFields = [.contentType: "application/json"]
    static let credentials = ByteBuffer(string: #"{"username":"nina","password":"correct horse"}"#)

    static func app(
        _ loader: @escaping @Sendable (UserRecord) async throws -> (any Encodable & Sendable)?
    ) throws -> (some ApplicationProtocol, TokenVerifier) {
        let factory = try TokenFactory()
        let users = MemoryUserStore(clock: factory.clock.clock)
        let revocations = MemoryRevocationStore(clock: factory.clock.clock)
        let verifier = try factory.verifier(revocationStore: revocations)
        let manager = JWTManager(verifier: verifier, issuer: factory.issuer)
        var service = AuthService(
            issuer: factory.issuer,
            verifier: verifier,
            users: users,
            sessions: users,
            revocations: revocations,
            passwords: PasswordHasher(cost: 4)
        )
        service.additionalClaims = loader
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        JWTAuthRoutes<BasicJWTRequestContext>(manager: manager, service: service).addRoutes(to: router.group("auth"))
        return (Application(router: router), verifier)
    }

    static func token(_ name: String, of response: TestResponse) throws -> String {
        let object = try JSONParser().parseObject(response.body.readableBytesView)
        return try #require(object[name]?.stringValue)
    }

    @Test func loginAndRefreshTokensCarryTheClaims() async throws {
        let (app, verifier) = try Self.app { user in ["tenant": "t-\(user.username)"] as [String: String] }
        try await app.test(.router) { client in
            let registered = try await client.execute(uri: "/auth/register", method: .post, headers: Self.jsonHeaders, body: Self.credentials)
            #expect(registered.status == .created)
            let login = try await client.execute(uri: "/auth/login", method: .post, headers: Self.jsonHeaders, body: Self.credentials)
            #expect(login.status == .ok)
            let access = try await verifier.verify(try Self.token("access_token", of: login))
            #expect(access.claims["tenant"] == "t-nina")
            let refresh = try Self.token("refresh_token", of: login)
            let renewed = try await client.execute(uri: "/auth/refresh", method: .post, headers: [.authorization: "Bearer \(refresh)"])
            #expect(renewed.status == .ok)
            #expect(try await verifier.verify(try Self.token("access_token", of: renewed)).claims["tenant"] == "t-nina")
        }
    }

    @Test func aLoaderThatFailsAnswers503() async throws {
        let (app, _) = try Self.app { _ in throw Failure() }
        try await app.test(.router) { client in
            _ = try await client.execute(uri: "/auth/register", method: .post, headers: Self.jsonHeaders, body: Self.credentials)
            try await client.execute(uri: "/auth/login", method: .post, headers: Self.jsonHeaders, body: Self.credentials) { response in
                #expect(response.status == .serviceUnavailable)
            }
        }
    }
}
