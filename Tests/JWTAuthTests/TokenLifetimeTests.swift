import JWTAuth
import JWTAuthTesting
import Testing

/// Per-token lifetimes (`expires_delta`) and decoding an expired token (`decode_token(…, allow_expired=True)`).
@Suite struct TokenLifetimeTests {
    @Test func expiresInReplacesTheConfiguredLifetimeForOneToken() throws {
        let factory = try TokenFactory()
        let now = factory.clock.now
        #expect(try factory.issuer.accessToken(for: "42", expiresIn: .seconds(60)).expiresAt == now + 60)
        #expect(try factory.issuer.accessToken(for: "42").expiresAt == now + 900, "the next token has the configured lifetime")
        #expect(try factory.issuer.refreshToken(for: "42", expiresIn: .seconds(3600)).expiresAt == now + 3600)
        #expect(try factory.issuer.accessToken(for: "42", expiresIn: .milliseconds(1500)).expiresAt == now + 2, "rounded up")
        let pair = try factory.issuer.tokenPair(for: "42", accessExpiresIn: .seconds(30), refreshExpiresIn: .seconds(86400))
        #expect(pair.access.expiresAt == now + 30 && pair.refresh.expiresAt == now + 86400)
        let refreshOnly = try factory.issuer.tokenPair(for: "42", refreshExpiresIn: .seconds(120))
        #expect(refreshOnly.access.expiresAt == now + 900 && refreshOnly.refresh.expiresAt == now + 120)
        let encodable = try factory.issuer.accessToken(for: "42", claims: ["tier": "gold"] as [String: String], expiresIn: .seconds(5))
        #expect(encodable.expiresAt == now + 5)
    }

    @Test(arguments: [Duration.zero, .seconds(-1), .seconds(300_000_000_000)])
    func lifetimesThatCannotMakeAUsableTokenAreRefused(lifetime: Duration) throws {
        let factory = try TokenFactory()
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.accessToken(for: "42", expiresIn: lifetime) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.refreshToken(for: "42", expiresIn: lifetime) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.tokenPair(for: "42", accessExpiresIn: lifetime) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.tokenPair(for: "42", refreshExpiresIn: lifetime) }
    }

    @Test func aShortLivedTokenExpiresOnTime() async throws {
        let factory = try TokenFactory()
        let token = try factory.issuer.accessToken(for: "42", expiresIn: .seconds(10)).token
        let verifier = try factory.verifier()
        _ = try await verifier.verify(token)
        factory.clock.advance(by: .seconds(10))
        await #expect(throws: JWTAuthError.tokenExpired) { try await verifier.verify(token) }
    }

    @Test func allowExpiredReadsAnExpiredTokenAndChecksEverythingElse() throws {
        let factory = try TokenFactory(configuration: TokenConfiguration(issuer: "https://auth.example"))
        let issued = try factory.issuer.accessToken(for: "42", fresh: .fresh)
        let verifier = try factory.verifier(cache: VerifiedTokenCache())
        factory.clock.advance(by: .seconds(3600))
        #expect(throws: JWTAuthError.tokenExpired) { try verifier.decode(issued.token) }
        #expect(throws: JWTAuthError.tokenExpired) { try verifier.decode(issued.token, allowExpired: false) }
        let read = try verifier.decode(issued.token, allowExpired: true)
        #expect(read.subject == "42" && read.id == issued.id && read.expiresAt == issued.expiresAt)
        _ = try verifier.decode(issued.token, as: .access, requireFresh: true, allowExpired: true)
        #expect(throws: JWTAuthError.refreshRequired) { try verifier.decode(issued.token, as: .refresh, allowExpired: true) }
    }

    @Test(.bug("issue 16: allowExpired skips only the exp deadline"))
    func allowExpiredStillRefusesEveryOtherFault() throws {
        let factory = try TokenFactory(configuration: TokenConfiguration(issuer: "https://auth.example"))
        let verifier = try factory.verifier()
        let now = Int64(factory.clock.now)
        let base: [String: JSONValue] = [
            "sub": "42", "jti": "j", "type": "access", "iat": .int(now - 100), "exp": .int(now - 50), "iss": "https://auth.example",
        ]
        _ = try verifier.decode(try factory.token(claims: base), allowExpired: true)
        var hostile: [[String: JSONValue]] = []
        for (name, value) in [("exp", "soon"), ("exp", -1), ("nbf", .int(now + 60)), ("iat", .int(now + 60)), ("iss", "https://evil.example")]
            as [(String, JSONValue)]
        {
            var claims = base
            claims[name] = value
            hostile.append(claims)
        }
        for name in ["exp", "sub", "jti", "type", "iss"] {
            var claims = base
            claims[name] = nil
            hostile.append(claims)
        }
        for claims in hostile {
            #expect(throws: JWTAuthError.invalidToken("")) { try verifier.decode(try factory.token(claims: claims), allowExpired: true) }
        }
        // Another key's signature.
        let stranger = try TokenFactory(configuration: factory.configuration)
        #expect(throws: JWTAuthError.invalidToken("")) { try verifier.decode(try stranger.token(claims: base), allowExpired: true) }
        // A tampered payload.
        let parts = try factory.token(claims: base).split(separator: ".")
        let forged = try factory.token(claims: base.merging(["sub": "1"]) { $1 }).split(separator: ".")
        #expect(throws: JWTAuthError.invalidToken("")) { try verifier.decode("\(parts[0]).\(forged[1]).\(parts[2])", allowExpired: true) }
    }
}
