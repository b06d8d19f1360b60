import JWTAuth
import JWTAuthTesting
import Testing

@Suite struct VerifiedTokenCacheTests {
    static func verified(exp: Double?, subject: String = "42") -> VerifiedToken {
        var claims: [String: JSONValue] = ["sub": .string(subject)]
        if let exp { claims["exp"] = .double(exp) }
        return VerifiedToken(header: JWSHeader(members: ["alg": "ES256"]), claims: JWTClaims(members: claims))
    }

    // MARK: the cache alone

    @Test func lookupReturnsTheStoredVerificationUntilExp() {
        let cache = VerifiedTokenCache()
        cache.insert("a.b.c", Self.verified(exp: 1000, subject: "stored"))
        #expect(cache.lookup("a.b.c", now: 999.5)?.subject == "stored")
        #expect(cache.lookup("a.b.d", now: 999.5) == nil)
        #expect(cache.lookup("a.b.c", now: 1000) == nil)
        #expect(cache.count == 0)
        cache.insert("x.y.z", Self.verified(exp: nil))
        #expect(cache.lookup("x.y.z", now: 1e12) != nil)
    }

    @Test func capacityBoundEvictsTheOldestFirst() {
        let cache = VerifiedTokenCache(capacity: 3)
        for name in ["t1", "t2", "t3"] { cache.insert(name, Self.verified(exp: 1000, subject: name)) }
        cache.insert("t2", Self.verified(exp: 1000, subject: "again"))  // already there: no eviction, no change
        #expect(cache.count == 3)
        #expect(cache.lookup("t2", now: 0)?.subject == "t2")
        cache.insert("t4", Self.verified(exp: 1000))
        #expect(cache.count == 3)
        #expect(cache.lookup("t1", now: 0) == nil)
        #expect(["t2", "t3", "t4"].allSatisfy { cache.lookup($0, now: 0) != nil })
        for index in 5...100 { cache.insert("t\(index)", Self.verified(exp: 1000)) }
        #expect(cache.count == 3)
        #expect(["t98", "t99", "t100"].allSatisfy { cache.lookup($0, now: 0) != nil })
        cache.removeAll()
        #expect(cache.count == 0 && cache.lookup("t100", now: 0) == nil)
    }

    @Test func lookalikeTextIsNotTheSameToken() {
        // U+212A KELVIN SIGN is canonically equivalent to "K": Swift's String == and hashing call them equal.
        #expect("\u{212A}" == "K")
        let cache = VerifiedTokenCache()
        cache.insert("eyK.b.c", Self.verified(exp: nil))
        #expect(cache.lookup("ey\u{212A}.b.c", now: 0) == nil)
        #expect(cache.lookup("eyK.b.c", now: 0) != nil)
    }

    // MARK: through the verifier

    @Test func onlyAsymmetricTokensAreCached() throws {
        for algorithm in SigningAlgorithm.all {
            let factory = try TokenFactory(algorithm: algorithm)
            let cache = VerifiedTokenCache()
            let verifier = try factory.verifier(cache: cache)
            _ = try verifier.decode(try factory.token())
            #expect(cache.count == (algorithm.isAsymmetric ? 1 : 0), "\(algorithm)")
        }
    }

    @Test func aHitIsTheVerificationOfTheVeryToken() throws {
        let factory = try TokenFactory(algorithm: .es256)
        let cache = VerifiedTokenCache()
        let verifier = try factory.verifier(cache: cache)
        let token = try factory.token(subject: "alice")
        let first = try verifier.decode(token)
        let stored = try #require(cache.lookup(token, now: factory.clock.now))
        #expect(stored == first)
        #expect(try verifier.decode(token) == first)
        #expect(cache.count == 1)
    }

    @Test func aHitNeverOutlivesExp() async throws {
        for leeway in [0, 30] as [Int64] {
            let factory = try TokenFactory(algorithm: .es256, configuration: TokenConfiguration(leeway: .seconds(leeway)))
            let cache = VerifiedTokenCache()
            let verifier = try factory.verifier(cache: cache)
            let issued = try factory.issuer.accessToken(for: "42")
            _ = try await verifier.verify(issued.token)
            factory.clock.now = issued.expiresAt - 0.5
            _ = try await verifier.verify(issued.token)
            factory.clock.now = issued.expiresAt + Double(leeway) - 0.5
            _ = try await verifier.verify(issued.token)
            factory.clock.now = issued.expiresAt + Double(leeway)
            await #expect(throws: JWTAuthError.tokenExpired) { try await verifier.verify(issued.token) }
            #expect(cache.lookup(issued.token, now: factory.clock.now) == nil)
        }
    }

    @Test func revocationTypeAndFreshnessAreCheckedOnAHit() async throws {
        let factory = try TokenFactory(algorithm: .eddsa)
        let store = MemoryRevocationStore(clock: factory.clock.clock)
        let cache = VerifiedTokenCache()
        let verifier = try factory.verifier(revocationStore: store, cache: cache)
        let issued = try factory.issuer.accessToken(for: "42", fresh: .until(factory.clock.now + 60))
        _ = try await verifier.verify(issued.token, requireFresh: true)
        #expect(cache.count == 1)
        await #expect(throws: JWTAuthError.refreshRequired) { try await verifier.verify(issued.token, as: .refresh) }
        factory.clock.advance(by: .seconds(60))
        await #expect(throws: JWTAuthError.freshTokenRequired) { try await verifier.verify(issued.token, requireFresh: true) }
        _ = try await verifier.verify(issued.token)
        await store.revoke(tokenID: issued.id, until: issued.expiresAt)
        await #expect(throws: JWTAuthError.tokenRevoked) { try await verifier.verify(issued.token) }
        #expect(cache.count == 1)
    }

    @Test func aKidThatLeftTheKeySetMisses() throws {
        let factory = try TokenFactory(algorithm: .es256)
        let cache = VerifiedTokenCache()
        let token = try factory.token()
        _ = try factory.verifier(cache: cache).decode(token)
        let rotated = try TokenVerifier(keys: JWTKeySet([JWTKey.generate(.es256, keyID: "next")]), cache: cache, clock: factory.clock.clock)
        let error = #expect(throws: JWTAuthError.self) { try rotated.decode(token) }
        #expect(error?.message == "Unknown key id")
    }

    @Test("A cache shared with a verifier of another key under the same kid is not trusted")
    func sameKidAnotherKeyMisses() throws {
        let factory = try TokenFactory(key: JWTKey.generate(.es256, keyID: "main"))
        let cache = VerifiedTokenCache()
        let token = try factory.token()
        _ = try factory.verifier(cache: cache).decode(token)
        let tenant = try TokenVerifier(keys: JWTKeySet([JWTKey.generate(.es256, keyID: "main")]), cache: cache, clock: factory.clock.clock)
        let error = #expect(throws: JWTAuthError.self) { try tenant.decode(token) }
        #expect(error?.message == "Signature verification failed")
    }

    /// A verifier configuration, for checking that a warm cache never changes an answer.
    struct Setup: Sendable, CustomTestStringConvertible {
        let testDescription: String
        let keys: [JWTKey]
        var configuration = TokenConfiguration()
    }

    static let signer = try! JWTKey.generate(.es256, keyID: "main")
    static let kidless = try! JWTKey.generate(.es256)

    static var setups: [Setup] {
        let publicKey = signer.publicKey!
        return [
            Setup(testDescription: "the same key", keys: [publicKey]),
            Setup(testDescription: "another key, same kid", keys: [try! JWTKey.generate(.es256, keyID: "main")]),
            Setup(testDescription: "another kid-less key", keys: [try! JWTKey.generate(.es256)]),
            Setup(testDescription: "the kid-less key", keys: [kidless.publicKey!]),
            Setup(testDescription: "kid gone", keys: [try! JWTKey.generate(.es256, keyID: "next")]),
            Setup(testDescription: "another issuer", keys: [publicKey], configuration: TokenConfiguration(issuer: "https://other.example")),
            Setup(testDescription: "an issuer", keys: [publicKey], configuration: TokenConfiguration(issuer: "https://auth.example")),
            Setup(testDescription: "another audience", keys: [publicKey], configuration: TokenConfiguration(audience: "billing")),
            Setup(testDescription: "ES384 only", keys: [publicKey], configuration: TokenConfiguration(allowedAlgorithms: [.es384])),
            Setup(testDescription: "64-byte tokens", keys: [publicKey], configuration: TokenConfiguration(maximumTokenSize: 64)),
            Setup(testDescription: "roles required", keys: [publicKey], configuration: TokenConfiguration(requiredClaims: ["exp", "roles"])),
            Setup(testDescription: "leeway", keys: [publicKey], configuration: TokenConfiguration(leeway: .seconds(120))),
        ]
    }

    /// The answer a verifier gives, as text, so that two answers compare.
    static func answer(_ verifier: TokenVerifier, _ token: String) -> String {
        do {
            return "ok \(JSONValue.object(try verifier.decode(token, as: nil).claims.members))"
        } catch {
            return "\(error.code): \(error.message)"
        }
    }

    @Test("A warm cache never changes a verifier's answer", arguments: setups)
    func warmCacheGivesTheSameAnswers(setup: Setup) throws {
        let clock = SettableClock()
        let issued = TokenConfiguration(issuer: "https://auth.example", audience: "api")
        let tokens = [
            try TokenFactory(key: Self.signer, configuration: issued, clock: clock).token(),
            try TokenFactory(key: Self.signer, clock: clock).token(),
            try TokenFactory(key: Self.kidless, clock: clock).token(),
            try TokenFactory(key: Self.signer, clock: clock).token(.refresh),
        ]
        // Verifiers that together accept every token above fill the shared cache.
        let cache = VerifiedTokenCache()
        for key in [Self.signer, Self.kidless] {
            for configuration in [TokenConfiguration(), TokenConfiguration(audience: "api")] {
                let filler = try TokenVerifier(keys: JWTKeySet([key.publicKey!]), configuration: configuration, cache: cache, clock: clock.clock)
                for token in tokens { _ = try? filler.decode(token, as: nil) }
            }
        }
        #expect(cache.count == tokens.count)

        let cold = try TokenVerifier(keys: JWTKeySet(setup.keys), configuration: setup.configuration, clock: clock.clock)
        let warm = try TokenVerifier(keys: JWTKeySet(setup.keys), configuration: setup.configuration, cache: cache, clock: clock.clock)
        for token in tokens {
            #expect(Self.answer(warm, token) == Self.answer(cold, token))
        }
    }

    @Test func lookalikeOfACachedTokenIsRefused() throws {
        let factory = try TokenFactory(algorithm: .es256)
        let cache = VerifiedTokenCache()
        let verifier = try factory.verifier(cache: cache)
        var token = try factory.token()
        while !token.contains("K") { token = try factory.token() }
        _ = try verifier.decode(token)
        var lookalike = token
        let index = try #require(lookalike.firstIndex(of: "K"))
        lookalike.replaceSubrange(index...index, with: "\u{212A}")
        let error = #expect(throws: JWTAuthError.self) { try verifier.decode(lookalike) }
        #expect(error?.code == .invalidToken)
    }
}
