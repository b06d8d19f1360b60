import FoundationEssentials
import JWTAuth
import JWTAuthTesting
import Testing

@Suite struct IssuerTests {
    /// The header and claims of a token, read without verifying it.
    static func read(_ token: String) throws -> (header: [String: JSONValue], claims: [String: JSONValue]) {
        let parsed = try UnverifiedToken(token)
        return (parsed.header.members, try parsed.claims().members)
    }

    @Test(arguments: SigningAlgorithm.all)
    func accessTokenCarriesTheDesignedClaims(algorithm: SigningAlgorithm) throws {
        let factory = try TokenFactory(algorithm: algorithm)
        let now = Int64(factory.clock.now)
        let issued = try factory.issuer.accessToken(for: "42", fresh: .fresh)
        let (header, claims) = try Self.read(issued.token)
        #expect(header["alg"] == .string(algorithm.name) && header["typ"] == "JWT")
        #expect(header["kid"] == factory.key.keyID.map(JSONValue.string))
        #expect(Set(header.keys) == (factory.key.keyID == nil ? ["alg", "typ"] : ["alg", "typ", "kid"]))
        #expect(Set(claims.keys) == ["sub", "iat", "nbf", "exp", "jti", "type", "sid", "fresh"])
        #expect(claims["sub"] == "42" && claims["type"] == "access" && claims["fresh"] == true)
        #expect(claims["iat"] == .int(now) && claims["nbf"] == .int(now) && claims["exp"] == .int(now + 900))
        for name in ["jti", "sid"] {
            let value = try #require(claims[name]?.stringValue)
            #expect(UUID(uuidString: value) != nil && value == value.lowercased(), "\(name) is a lower-case UUID")
        }
        #expect(JWTClaims(members: claims) == issued.claims)
        #expect(issued.expiresAt == Double(now + 900) && issued.id == claims["jti"]?.stringValue)
    }

    @Test func refreshTokenLastsSevenDaysAndHasNoFreshness() throws {
        let factory = try TokenFactory()
        let now = Int64(factory.clock.now)
        let (_, claims) = try Self.read(try factory.issuer.refreshToken(for: "42").token)
        #expect(Set(claims.keys) == ["sub", "iat", "nbf", "exp", "jti", "type", "sid"])
        #expect(claims["type"] == "refresh" && claims["exp"] == .int(now + 604_800))
    }

    @Test func defaultLifetimesAreFifteenMinutesAndSevenDays() {
        let configuration = TokenConfiguration()
        #expect(configuration.accessTokenLifetime == .seconds(900))
        #expect(configuration.refreshTokenLifetime == .seconds(604_800))
        #expect(configuration.leeway == .zero && configuration.maximumTokenSize == 8192)
        #expect(configuration.requiredClaims == ["exp", "sub", "jti", "type"])
    }

    @Test func lifetimesAndFractionalClockAreHonoured() throws {
        let clock = SettableClock(now: 1_767_225_600.75)
        let configuration = TokenConfiguration(accessTokenLifetime: .milliseconds(60_500), refreshTokenLifetime: .seconds(3600))
        let factory = try TokenFactory(configuration: configuration, clock: clock)
        let pair = try factory.issuer.tokenPair(for: "42")
        // iat is whole seconds, rounded down; a fractional lifetime is rounded up.
        #expect(pair.access.claims["iat"] == .int(1_767_225_600) && pair.access.claims["exp"] == .int(1_767_225_600 + 61))
        #expect(pair.refresh.claims["exp"] == .int(1_767_225_600 + 3600))
    }

    @Test func aPairSharesOneSessionAndEachLoginGetsItsOwn() throws {
        let factory = try TokenFactory()
        let first = try factory.issuer.tokenPair(for: "42")
        let second = try factory.issuer.tokenPair(for: "42")
        #expect(first.access.sessionID != nil && first.access.sessionID == first.refresh.sessionID)
        #expect(first.access.sessionID != second.access.sessionID)
        #expect(Set([first.access.id, first.refresh.id, second.access.id, second.refresh.id]).count == 4)
        #expect(first.access.claims["fresh"] == true)
        #expect(try factory.issuer.tokenPair(for: "42", fresh: .notFresh).access.claims["fresh"] == false)
        // Refresh keeps the session: the caller passes it on.
        let refreshed = try factory.issuer.accessToken(for: "42", sessionID: first.refresh.sessionID)
        #expect(refreshed.sessionID == first.refresh.sessionID && refreshed.claims["fresh"] == false)
    }

    @Test(arguments: [(.fresh, true), (.notFresh, false), (.until(1_767_225_660), 1_767_225_660), (.until(1.5), 1.5)] as [(Freshness, JSONValue)])
    func freshnessIsWrittenAsTrueFalseOrADeadline(freshness: Freshness, claim: JSONValue) throws {
        let issued = try TokenFactory().issuer.accessToken(for: "42", fresh: freshness)
        #expect(try Self.read(issued.token).claims["fresh"] == claim)
        #expect(issued.claims.freshness == freshness)
    }

    @Test func issuerAudienceAndCSRFAppearWhenConfigured() throws {
        let configuration = TokenConfiguration(issuer: "https://auth.example", audience: "api", includesCSRFClaim: true)
        let factory = try TokenFactory(configuration: configuration)
        let pair = try factory.issuer.tokenPair(for: "42")
        for token in [pair.access, pair.refresh] {
            let (_, claims) = try Self.read(token.token)
            #expect(claims["iss"] == "https://auth.example" && claims["aud"] == "api")
            let csrf = try #require(claims["csrf"]?.stringValue)
            #expect(UUID(uuidString: csrf) != nil && csrf != claims["jti"]?.stringValue)
        }
        // One CSRF value per session, so that re-issued access tokens keep the double-submit cookie valid.
        #expect(pair.access.claims.csrf == pair.refresh.claims.csrf)
        let other = try factory.issuer.tokenPair(for: "42")
        #expect(other.access.claims.csrf != pair.access.claims.csrf)
        let (_, plain) = try Self.read(try TokenFactory().token())
        #expect(plain["iss"] == nil && plain["aud"] == nil && plain["csrf"] == nil)
    }

    @Test func providerAndCallerAddClaims() async throws {
        let factory = try TokenFactory(claimsProvider: { subject, type in
            let roles: JSONValue = subject == "1" ? ["admin"] : ["user"]
            return ["roles": roles, "kind": .string(type.name)]
        })
        let admin = try factory.issuer.accessToken(for: "1", claims: ["tenant": "acme", "n": 3])
        #expect(admin.claims.strings("roles") == ["admin"] && admin.claims["kind"] == "access")
        #expect(admin.claims["tenant"] == "acme" && admin.claims["n"] == 3)
        let refresh = try factory.issuer.refreshToken(for: "2")
        #expect(refresh.claims.strings("roles") == ["user"] && refresh.claims["kind"] == "refresh")
        // The caller's claims win over the provider's.
        #expect(try factory.issuer.accessToken(for: "1", claims: ["roles": ["guest"]]).claims.strings("roles") == ["guest"])
        let verified = try await factory.verifier().verify(admin.token)
        #expect(verified.claims == admin.claims)
    }

    @Test(arguments: ["sub", "iat", "nbf", "exp", "jti", "type", "sid", "fresh", "csrf"])
    func reservedClaimsAreRefused(name: String) throws {
        let factory = try TokenFactory()
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.accessToken(for: "42", claims: [name: "x"]) }
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.tokenPair(for: "42", claims: [name: 1]) }
        let providing = try TokenFactory(claimsProvider: { _, _ in [name: "x"] })
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try providing.issuer.refreshToken(for: "42") }
    }

    @Test func configuredIssuerAndAudienceCannotBeOverridden() throws {
        let factory = try TokenFactory(configuration: TokenConfiguration(issuer: "https://auth.example", audience: "api"))
        for name in ["iss", "aud"] {
            #expect(throws: JWTAuthError.invalidConfiguration("")) { try factory.issuer.accessToken(for: "42", claims: [name: "elsewhere"]) }
        }
        // Without a configured value the caller may set them, as PyJWT lets it.
        let open = try TokenFactory()
        let token = try open.issuer.accessToken(for: "42", claims: ["iss": "https://other.example", "aud": "api"])
        #expect(token.claims.issuer == "https://other.example")
        #expect(token.claims.audience == ["api"])
    }

    @Test func publicKeysAndBadSettingsCannotMakeAnIssuer() throws {
        let key = try JWTKey.generate(.es256)
        #expect(throws: JWTAuthError.invalidKey("")) { try TokenIssuer(key: key.publicKey!) }
        for configuration in [
            TokenConfiguration(accessTokenLifetime: .zero), TokenConfiguration(refreshTokenLifetime: .seconds(-1)),
            TokenConfiguration(leeway: .seconds(-1)), TokenConfiguration(allowedAlgorithms: []), TokenConfiguration(maximumTokenSize: 0),
        ] {
            #expect(throws: JWTAuthError.invalidConfiguration("")) { try TokenIssuer(key: key, configuration: configuration) }
        }
    }

    @Test func signWritesExactlyTheGivenClaims() throws {
        let factory = try TokenFactory()
        let claims: [String: JSONValue] = ["sub": "42", "custom": ["nested": [1, 2]], "exp": 1]
        #expect(try Self.read(try factory.issuer.sign(claims: JWTClaims(members: claims))).claims == claims)
    }
}
