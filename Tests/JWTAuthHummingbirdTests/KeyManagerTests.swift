import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Testing

/// `JWTManager(key:configuration:…)`: issuer, verifier and manager from one key and one configuration.
@Suite struct KeyManagerTests {
    func app(_ manager: JWTManager) -> some ApplicationProtocol {
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.group("/required").add(middleware: manager.middleware(.required))
            .get { _, context in ["user": try context.requireJWT().subject] }
            .post { _, context in ["user": try context.requireJWT().subject] }
        return Application(router: router)
    }

    @Test(arguments: [SigningAlgorithm.hs256, .es256, .eddsa])
    func oneKeyAndOneConfigurationIssueAndVerify(algorithm: SigningAlgorithm) async throws {
        let clock = SettableClock()
        let configuration = TokenConfiguration(accessTokenLifetime: .seconds(60), issuer: "https://auth.example", audience: "api")
        let manager = try JWTManager(
            key: try JWTKey.generate(algorithm),
            configuration: configuration,
            claimsProvider: { _, _ in ["roles": ["user"]] },
            clock: clock.clock
        )
        let issuer = try #require(manager.issuer)
        let pair = try issuer.tokenPair(for: "42")
        #expect(pair.access.claims.issuer == "https://auth.example" && pair.access.claims.strings("roles") == ["user"])
        #expect(pair.access.claims.csrf == nil, "no cookies, no csrf claim")
        #expect(try await manager.verifier.verify(pair.access.token).subject == "42")
        #expect(manager.verifier.configuration.audience == "api" && issuer.configuration.accessTokenLifetime == .seconds(60))
        try await app(manager).test(.router) { client in
            expectUser(try await client.send(TokenRequest("/required").carrying(pair.access.token, at: .headers)), "42")
            clock.advance(by: .seconds(60))
            expectError(
                try await client.send(TokenRequest("/required").carrying(pair.access.token, at: .headers)),
                .unauthorized,
                "token_expired",
                "Token has expired",
                challenge: .invalidToken
            )
        }
    }

    @Test func cookiesSwitchCSRFOnInOnePlace() async throws {
        let manager = try JWTManager(key: try JWTKey.generate(.es256), options: JWTManager.Options(locations: [.cookies, .headers]))
        let pair = try #require(manager.issuer).tokenPair(for: "42")
        let csrf = try #require(pair.access.claims.csrf, "cookies as a location give tokens a csrf claim")
        #expect(pair.refresh.claims.csrf == csrf)
        let request = TokenRequest("/required", method: .post).carrying(pair.access.token, at: .cookies)
        try await app(manager).test(.router) { client in
            expectError(try await client.send(request), .unauthorized, "csrf_failed", "Missing CSRF token", challenge: .invalidToken)
            expectUser(try await client.send(request.withCSRF(csrf)), "42")
        }
        // Switched off on the cookies: no claim is written, none is checked.
        let off = try JWTManager(
            key: try JWTKey.generate(.es256),
            options: JWTManager.Options(locations: [.cookies], cookies: JWTCookieConfiguration(csrfProtection: false))
        )
        #expect(try #require(off.issuer).accessToken(for: "42").claims.csrf == nil)
    }

    @Test func aPublicKeyOrBadSettingsCannotMakeAManager() throws {
        let key = try JWTKey.generate(.es256)
        #expect(throws: JWTAuthError.invalidKey("")) { try JWTManager(key: try #require(key.publicKey)) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try JWTManager(key: key, configuration: TokenConfiguration(accessTokenLifetime: .zero))
        }
        // A key outside the allowed algorithms never verifies its own tokens.
        #expect(throws: JWTAuthError.self) {
            let manager = try JWTManager(key: key, configuration: TokenConfiguration(allowedAlgorithms: [.hs256]))
            _ = try manager.verifier.decode(try #require(manager.issuer).accessToken(for: "1").token)
        }
    }
}
