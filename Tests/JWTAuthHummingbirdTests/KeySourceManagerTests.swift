import Hummingbird
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTestSupport
import JWTAuthTesting
import Synchronization
import Testing

/// `JWTManager(keySource:configuration:…)`: a manager over a key source alone, with no placeholder key.
@Suite struct KeySourceManagerTests {
    func makeApp(_ manager: JWTManager) -> some ApplicationProtocol {
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.group("/api").add(middleware: manager.middleware(.required))
            .get("/protected") { _, context in ["user": try context.requireJWT().subject] }
        return Application(router: router)
    }

    /// With a source that has its keys at hand, the same answers come without waiting for it.
    @Test(arguments: [false, true]) func theSourceAloneVerifiesUnderTheGivenConfiguration(immediately: Bool) async throws {
        let configuration = TokenConfiguration(audience: "reports-api")
        let issuerSide = try TokenFactory(algorithm: .es256, configuration: configuration)
        let otherAudience = try TokenFactory(key: issuerSide.key, configuration: TokenConfiguration(audience: "billing"), clock: issuerSide.clock)
        let stranger = try TokenFactory(algorithm: .es256, configuration: configuration, clock: issuerSide.clock)
        let source = FixedKeySource(try issuerSide.verificationKeys, immediately: immediately)
        let revocations = MemoryRevocationStore(clock: issuerSide.clock.clock)
        let manager = try JWTManager(
            keySource: source,
            configuration: configuration,
            revocationStore: revocations,
            cache: VerifiedTokenCache(),
            clock: issuerSide.clock.clock
        )
        let good = try issuerSide.issuer.accessToken(for: "7")
        let revoked = try issuerSide.issuer.accessToken(for: "8")
        await revocations.revoke(tokenID: revoked.id, until: revoked.expiresAt)
        try await makeApp(manager).test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(good.token)) { response in
                #expect(response.status == .ok && String(buffer: response.body).contains("7"))
            }
            for token in [try otherAudience.issuer.accessToken(for: "7").token, try stranger.issuer.accessToken(for: "7").token] {
                try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(token)) { #expect($0.status == .unauthorized) }
            }
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(revoked.token)) { response in
                #expect(response.status == .unauthorized && String(buffer: response.body).contains("token_revoked"))
            }
        }
        #expect(source.timesAsked > 0)
        // Revocation in memory, bearer tokens: with the keys at hand, nothing was waited for.
        #expect((source.timesAwaited == 0) == immediately)
        // Outside the middleware: the manager's own verifier has no key; verifier(for:) takes the source's.
        #expect(throws: JWTAuthError.invalidToken("")) { try manager.verifier.decode(good.token) }
        #expect(try await manager.verifier(for: good.token).verify(good.token).subject == "7")
        #expect(manager.verifier.cache != nil && manager.verifier.configuration.audience == "reports-api")
    }

    @Test(.bug("issue 16: a keyless manager never falls back to accepting a token"))
    func hostileTokensAreRefusedWithNoKeyOfItsOwn() async throws {
        let issuerSide = try TokenFactory(algorithm: .es256)
        let manager = try JWTManager(keySource: FixedKeySource(try issuerSide.verificationKeys), clock: issuerSide.clock.clock)
        let claims = #"{"sub":"1","exp":9999999999,"jti":"j","type":"access"}"#
        let unsigned = "\(Base64URL.encode(Array(#"{"alg":"none","typ":"JWT"}"#.utf8))).\(Base64URL.encode(Array(claims.utf8)))."
        // An HMAC-signed token, where the source offers only an ES256 key.
        let hmac = try TokenFactory(clock: issuerSide.clock)
        for token in [unsigned, try hmac.issuer.accessToken(for: "1").token, "not.a.token", ""] {
            await #expect(throws: JWTAuthError.self) { try await manager.verifier(for: token).verify(token) }
        }
    }

    @Test func badSettingsStopTheManagerBeingMade() throws {
        let source = FixedKeySource(try JWTKeySet([]))
        #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try JWTManager(keySource: source, configuration: TokenConfiguration(allowedAlgorithms: []))
        }
        #expect(throws: JWTAuthError.invalidConfiguration("")) {
            try JWTManager(keySource: source, configuration: TokenConfiguration(leeway: .seconds(-1)))
        }
    }
}
