import JWTAuth
import JWTAuthTestSupport
import JWTAuthTesting
import Testing

/// Claims an attacker controls once a signature verified (a leaked key, a lenient issuer), times on a settable clock,
/// token type, freshness, revocation, a store that is down, and what error messages may say.
extension HostileTokenTests {
    /// A token signed by the HMAC test key with exactly these claims.
    static func signed(_ claims: JSONValue) throws -> String { try TokenForge.token(claims: claims, key: hmac) }

    // MARK: numeric dates

    static let badNumericDates: [JSONValue] = [
        "1767226500", "", 1e300, 1e20, -1, -0.5, true, nil, [1_767_226_500], ["$date": 1_767_226_500], 253_402_300_800,
    ]

    @Test("exp, nbf and iat must be numbers between 0 and 253402300799", arguments: ["exp", "nbf", "iat"], badNumericDates)
    func numericDatesOfTheWrongTypeOrRangeAreRefused(name: String, value: JSONValue) throws {
        let token = try Self.signed(TokenForge.claims(at: Self.now, overriding: [name: value]))
        let error = Self.expectRejected(token, by: Self.decoder(Self.hmac))
        #expect(error?.message.contains("(\(name)) must be a number between 0 and 253402300799") == true)
    }

    @Test func numbersTooLargeForADoubleAreRefusedByTheParser() throws {
        let body = String(TokenForge.claims(at: Self.now, removing: ["exp"]).description.dropFirst())
        let payload = TokenForge.segment(#"{"exp":1e400,"# + body)
        let token = try TokenForge.sign(TokenForge.segment(TokenForge.header(for: Self.hmac)), payload, with: Self.hmac)
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "Invalid payload string: JSON number out of range")
    }

    /// Fractional NumericDates are accepted, as RFC 7519 §2 allows, and compared exactly: documented in docs/threat_model.md.
    @Test func fractionalNumericDatesAreComparedExactly() throws {
        let decoder = Self.decoder(Self.hmac)
        let now = Self.now
        let accepted: [[String: JSONValue]] = [
            ["exp": .double(now + 0.5)], ["nbf": .double(now - 0.5)], ["iat": .double(now - 0.25)], ["nbf": .double(now)],
            ["exp": 253_402_300_799], ["iat": 0, "nbf": 0.0],
        ]
        for overriding in accepted {
            #expect(try decoder.decode(Self.signed(TokenForge.claims(at: now, overriding: overriding)), now: now).subject == "42")
        }
        Self.expectRejected(try Self.signed(TokenForge.claims(at: now, overriding: ["exp": .double(now - 0.5)])), by: decoder, .tokenExpired)
        Self.expectRejected(try Self.signed(TokenForge.claims(at: now, overriding: ["exp": .double(now)])), by: decoder, .tokenExpired)
        Self.expectRejected(try Self.signed(TokenForge.claims(at: now, overriding: ["exp": 0])), by: decoder, .tokenExpired)
        let early = Self.expectRejected(try Self.signed(TokenForge.claims(at: now, overriding: ["nbf": .double(now + 0.5)])), by: decoder)
        #expect(early?.message == "The token is not yet valid (nbf)")
        let future = Self.expectRejected(try Self.signed(TokenForge.claims(at: now, overriding: ["iat": .double(now + 0.25)])), by: decoder)
        #expect(future?.message == "The token is not yet valid (iat)")
    }

    @Test(arguments: ["sub", "jti", "type", "sid", "iss"], [42, true, nil, ["42"], ["id": "42"], 4.2] as [JSONValue])
    func stringClaimsOfAnotherTypeAreRefused(name: String, value: JSONValue) throws {
        let token = try Self.signed(TokenForge.claims(at: Self.now, overriding: [name: value]))
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "The \(name) claim must be a string")
    }

    @Test(arguments: ["exp", "sub", "jti", "type"])
    func requiredClaimsMustBePresent(name: String) throws {
        let token = try Self.signed(TokenForge.claims(at: Self.now, removing: [name]))
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "Token is missing the \"\(name)\" claim")
    }

    @Test func configuredRequiredClaimsMustBePresent() throws {
        var validation = TokenConfiguration(requiredClaims: ["exp", "roles"]).claimsValidation
        validation.leeway = .zero
        let decoder = JWTDecoder(keys: try JWTKeySet([Self.hmac]), validation: validation)
        let without = try Self.signed(TokenForge.claims(at: Self.now))
        #expect(Self.expectRejected(without, by: decoder)?.message == "Token is missing the \"roles\" claim")
        _ = try decoder.decode(try Self.signed(TokenForge.claims(at: Self.now, overriding: ["roles": []])), now: Self.now)
    }

    // MARK: leeway on a settable clock

    @Test(arguments: [0, 30] as [Int64])
    func expiryHoldsToTheSecondWithLeeway(leeway: Int64) async throws {
        let factory = try TokenFactory(configuration: TokenConfiguration(leeway: .seconds(leeway)))
        let verifier = try factory.verifier()
        let issued = try factory.issuer.accessToken(for: "42")
        #expect(issued.expiresAt == factory.clock.now + 900)
        factory.clock.now = issued.expiresAt + Double(leeway) - 0.001
        _ = try await verifier.verify(issued.token)
        factory.clock.now = issued.expiresAt + Double(leeway)
        await #expect(throws: JWTAuthError.tokenExpired) { try await verifier.verify(issued.token) }
    }

    @Test(arguments: ["nbf", "iat"], [0, 10] as [Int64])
    func notBeforeAndIssuedAtHoldWithLeeway(name: String, leeway: Int64) async throws {
        let factory = try TokenFactory(configuration: TokenConfiguration(leeway: .seconds(leeway)))
        let verifier = try factory.verifier()
        let start = factory.clock.now
        let token = try factory.token(claims: TokenForge.claims(at: start, overriding: [name: .int(Int64(start) + 60)]).objectValue!)
        factory.clock.now = start + 60 - Double(leeway) - 0.5
        let error = await #expect(throws: JWTAuthError.self) { try await verifier.verify(token) }
        #expect(error?.code == .invalidToken && error?.message == "The token is not yet valid (\(name))")
        factory.clock.now = start + 60 - Double(leeway)
        _ = try await verifier.verify(token)
    }

    // MARK: iss and aud

    @Test func issuerAndAudienceMustMatchWhenConfigured() async throws {
        let factory = try TokenFactory(configuration: TokenConfiguration(issuer: "https://auth.example", audience: "api"))
        let verifier = try factory.verifier()
        _ = try await verifier.verify(try factory.token())
        let base = TokenForge.claims(at: factory.clock.now, overriding: ["iss": "https://auth.example", "aud": "api"])
        let cases: [([String: JSONValue], Set<String>, String)] = [
            ([:], ["iss"], "Token is missing the \"iss\" claim"),
            (["iss": "https://evil.example"], [], "Invalid issuer"),
            (["iss": "https://auth.example/"], [], "Invalid issuer"),
            (["iss": ["https://auth.example"]], [], "Invalid issuer"),
            ([:], ["aud"], "Token is missing the \"aud\" claim"),
            (["aud": "API"], [], "Invalid audience"),
            (["aud": ["web", "mobile"]], [], "Invalid audience"),
            (["aud": []], [], "Invalid audience"),
            (["aud": [1, "api"]], [], "Invalid claim format in token (aud)"),
            (["aud": ["api": true]], [], "Invalid claim format in token (aud)"),
            (["aud": 1], [], "Invalid claim format in token (aud)"),
        ]
        for (overriding, removing, message) in cases {
            var members = base.objectValue!
            members.merge(overriding) { _, new in new }
            for name in removing { members[name] = nil }
            let error = await #expect(throws: JWTAuthError.self) { try await verifier.verify(try factory.token(claims: members)) }
            #expect(error?.code == .invalidToken && error?.message == message, "\(overriding) \(removing)")
        }
        var listed = base.objectValue!
        listed["aud"] = ["web", "api"]
        _ = try await verifier.verify(try factory.token(claims: listed))
    }

    @Test func tokenNamingAnAudienceIsRefusedWhenNoneIsConfigured() throws {
        let token = try Self.signed(TokenForge.claims(at: Self.now, overriding: ["aud": "api"]))
        #expect(Self.expectRejected(token, by: Self.decoder(Self.hmac))?.message == "Invalid audience")
    }

    // MARK: token type and freshness

    @Test func tokenTypeMustBeTheOneTheRouteRequires() async throws {
        let factory = try TokenFactory()
        let verifier = try factory.verifier()
        let pair = try factory.issuer.tokenPair(for: "42")
        await #expect(throws: JWTAuthError.accessRequired) { try await verifier.verify(pair.refresh.token, as: .access) }
        await #expect(throws: JWTAuthError.refreshRequired) { try await verifier.verify(pair.access.token, as: .refresh) }
        let accessError = await #expect(throws: JWTAuthError.self) { try await verifier.verify(pair.refresh.token) }
        #expect(accessError?.message == "Only non-refresh tokens are allowed")
        _ = try await verifier.verify(pair.access.token, as: nil)
        _ = try await verifier.verify(pair.refresh.token, as: nil)
        for type in ["id", "ACCESS", "Refresh", "", "access "] {
            let token = try factory.token(claims: TokenForge.claims(at: factory.clock.now, overriding: ["type": .string(type)]).objectValue!)
            let error = await #expect(throws: JWTAuthError.self) { try await verifier.verify(token, as: .access) }
            #expect(error?.code == .invalidToken && error?.message == "Invalid token type")
        }
    }

    @Test func freshnessIsTrueFalseOrADeadline() async throws {
        let factory = try TokenFactory()
        let verifier = try factory.verifier()
        let now = factory.clock.now
        let fresh = try factory.issuer.accessToken(for: "42", fresh: .fresh)
        let stale = try factory.issuer.accessToken(for: "42", fresh: .notFresh)
        let deadline = try factory.issuer.accessToken(for: "42", fresh: .until(now + 60))
        _ = try await verifier.verify(fresh.token, requireFresh: true)
        _ = try await verifier.verify(stale.token)
        await #expect(throws: JWTAuthError.freshTokenRequired) { try await verifier.verify(stale.token, requireFresh: true) }
        _ = try await verifier.verify(deadline.token, requireFresh: true)
        factory.clock.now = now + 59.5
        _ = try await verifier.verify(deadline.token, requireFresh: true)
        factory.clock.now = now + 60
        await #expect(throws: JWTAuthError.freshTokenRequired) { try await verifier.verify(deadline.token, requireFresh: true) }
        _ = try await verifier.verify(fresh.token, requireFresh: true)
        factory.clock.now = now
        for value in ["true", 1, "yes", [true], nil, 0] as [JSONValue] {
            let token = try factory.token(claims: TokenForge.claims(at: now, overriding: ["fresh": value]).objectValue!)
            await #expect(throws: JWTAuthError.freshTokenRequired) { try await verifier.verify(token, requireFresh: true) }
        }
        let absent = try factory.token(claims: TokenForge.claims(at: now).objectValue!)
        await #expect(throws: JWTAuthError.freshTokenRequired) { try await verifier.verify(absent, requireFresh: true) }
    }

    // MARK: revocation

    @Test func revocationByJTISessionAndCutoff() async throws {
        let factory = try TokenFactory()
        let store = MemoryRevocationStore(clock: factory.clock.clock)
        let verifier = try factory.verifier(revocationStore: store)
        let pair = try factory.issuer.tokenPair(for: "42")
        let other = try factory.issuer.tokenPair(for: "42")
        let stranger = try factory.issuer.tokenPair(for: "7")

        await store.revoke(tokenID: pair.access.id, until: pair.access.expiresAt)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(pair.access.token) }
        _ = try await verifier.verify(pair.refresh.token, as: .refresh)

        let sessionID = try #require(pair.refresh.sessionID)
        await store.revoke(sessionID: sessionID, until: pair.refresh.expiresAt)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(pair.refresh.token, as: .refresh) }
        _ = try await verifier.verify(other.access.token)

        // logout-all: every token of the user issued before the cutoff, including this second's, dies.
        await store.revokeAll(subject: "42", issuedBefore: factory.clock.now + 1)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(other.access.token) }
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(other.refresh.token, as: .refresh) }
        _ = try await verifier.verify(stranger.access.token)
        factory.clock.advance(by: .seconds(1))
        _ = try await verifier.verify(try factory.issuer.accessToken(for: "42").token)

        // Revocation is checked last: an expired revoked token is reported as expired.
        factory.clock.advance(by: .seconds(900))
        await #expect(throws: JWTAuthError.tokenExpired) { try await verifier.verify(pair.access.token) }
    }

    @Test func storeThatIsDownFailsClosed() async throws {
        let factory = try TokenFactory()
        let verifier = try factory.verifier(revocationStore: FailingRevocationStore())
        let error = await #expect(throws: JWTAuthError.self) { try await verifier.verify(try factory.token()) }
        #expect(error?.code == .unavailable)
        // A token that fails on its own merits still says why: the store is only asked about good tokens.
        let forged = try TokenForge.token(claims: TokenForge.claims(at: factory.clock.now), key: try JWTKey.generate(.hs256))
        let invalid = await #expect(throws: JWTAuthError.self) { try await verifier.verify(forged) }
        #expect(invalid?.code == .invalidToken)
        // decode() never consults the store; verify() always does, even on a cache hit.
        let cached = try TokenFactory(algorithm: .es256)
        let cachingVerifier = try cached.verifier(revocationStore: FailingRevocationStore(), cache: VerifiedTokenCache())
        let token = try cached.token()
        _ = try cachingVerifier.decode(token)
        let hit = await #expect(throws: JWTAuthError.self) { try await cachingVerifier.verify(token) }
        #expect(hit?.code == .unavailable)
    }

    // MARK: what errors say

    @Test func errorMessagesHoldNoTokenKeyOrSecret() throws {
        let secret = "correct-horse-battery-staple-0123456789-LEAK-SECRET"
        let key = try JWTKey.hmac(secret: secret, keyID: "kid-LEAK-KID")
        let decoder = Self.decoder(key)
        let claims = TokenForge.claims(at: Self.now, overriding: ["sub": "LEAK-SUBJECT", "note": "LEAK-CLAIM"])
        let valid = try TokenForge.token(claims: claims, key: key)
        let parts = TokenForge.segments(valid)
        var tokens: [(String, JWTAuthError.Code)] = [
            (try TokenForge.token(claims: claims, key: key.withKeyID("LEAK-UNKNOWN-KID")), .invalidToken),
            (parts[0] + "." + parts[1] + "." + TokenForge.segment("LEAK-SIGNATURE"), .invalidToken),
            (try TokenForge.token(claims: TokenForge.claims(at: Self.now - 10_000, overriding: ["sub": "LEAK-SUBJECT"]), key: key), .tokenExpired),
            (try TokenForge.token(claims: TokenForge.claims(at: Self.now, overriding: ["exp": "LEAK-EXP"]), key: key), .invalidToken),
            (try TokenForge.token(claims: TokenForge.claims(at: Self.now, overriding: ["aud": "LEAK-AUD"]), key: key), .invalidToken),
            (try TokenForge.token(header: TokenForge.header(for: key, ["alg": "LEAK-ALG"]), claims: claims, key: key), .invalidToken),
            (try TokenForge.sign(parts[0], TokenForge.segment(#"{"LEAK-NAME":"LEAK-VALUE""#), with: key), .invalidToken),
            (valid + ".LEAK", .invalidToken), ("LEAK." + valid, .invalidToken), (String(repeating: "LEAK.", count: 2000), .invalidToken),
        ]
        tokens.append((try TokenForge.sign(TokenForge.segment(#"{"alg":"LEAK"#), parts[1], with: key), .invalidToken))
        for (token, code) in tokens {
            guard let error = Self.expectRejected(token, by: decoder, code) else { continue }
            let texts = [error.message, error.description, String(describing: error)]
            for fragment in TokenForge.segments(token).filter({ $0.count > 3 }) + [token, secret, "LEAK"] {
                #expect(!texts.contains { $0.contains(fragment) }, "\(error.code) leaks \(fragment.prefix(20))")
            }
        }

        let keyErrors: [(String, () throws -> Void)] = [
            ("hunter2-LEAK", { _ = try JWTKey.hmac(secret: "hunter2-LEAK") }),
            ("MII", { _ = try JWTKey.hmac(secret: try! Fixtures.text("rsa-2048.spki.pem")) }),
            ("LEAK-D", { _ = try JWTKey(jwk: ["kty": "EC", "crv": "P-256", "x": "LEAK-X", "y": "LEAK-Y", "d": "LEAK-D"]) }),
            ("LEAK-K", { _ = try JWTKey(jwk: ["kty": "oct", "k": "LEAK-K"]) }),
            ("MII", { _ = try JWTKey(pem: try! Fixtures.text("rsa-1024.pkcs8.pem")) }),
        ]
        for (fragment, attempt) in keyErrors {
            let error = #expect(throws: JWTAuthError.self) { try attempt() }
            #expect(error?.code == .invalidKey)
            #expect(error.map { !$0.message.contains(fragment) && !$0.message.contains("LEAK") } == true, "\(error?.message ?? "")")
        }
    }

    @Test(arguments: SigningAlgorithm.all)
    func keysDoNotPrintTheirSecrets(algorithm: SigningAlgorithm) throws {
        let key = try JWTKey.generate(algorithm, keyID: "k")
        let secrets = ["d", "p", "q", "dp", "dq", "qi", "k"].compactMap { key.privateJWK[$0]?.stringValue }
        #expect(!secrets.isEmpty)
        for text in [String(describing: key), String(reflecting: key), "\(key)"] {
            for secret in secrets {
                #expect(!text.contains(secret) && !text.contains(String(secret.prefix(16))), "\(algorithm) prints a secret")
            }
            if let bytes = key.secretBytes {
                let hex = bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
                #expect(!text.contains(hex.prefix(16)) && !text.contains(bytes.prefix(8).map(String.init).joined(separator: ", ")))
            }
        }
    }
}
