import JWTAuth
import Testing

@testable import JWTAuthJWKS

/// The cache's rules, one event per line, without sockets.
@Suite struct JWKSCacheTests {
    static let keys: JWTKeySet = {
        let key = try! JWTKey.generate(.es256)
        return try! JWTKeySet([key.publicKey!.withKeyID("a")])
    }()

    @Test func noKeysFetchesOnceThenFailsClosedDuringTheCooldown() {
        var cache = JWKSCache(cooldown: 30, maximumStaleness: 3600)
        #expect(cache.decide(keyID: "a", now: 0) == .fetch)
        cache.fetchStarted(now: 0)
        cache.failed(.unavailable("down"))
        #expect(cache.decide(keyID: "a", now: 29) == .fail)
        #expect(cache.decide(keyID: "a", now: 30) == .fetch)
    }

    @Test func freshKeysServeKnownKidsAndRefetchUnknownOnesOncePerCooldown() {
        var cache = JWKSCache(cooldown: 30, maximumStaleness: 3600)
        cache.fetchStarted(now: 0)
        cache.fetched(Self.keys, lifetime: 300, entityTag: nil, now: 0)
        #expect(cache.decide(keyID: "a", now: 10) == .serve)
        #expect(cache.decide(keyID: nil, now: 10) == .serve)
        #expect(cache.decide(keyID: "b", now: 10) == .serve)  // cooling down
        #expect(cache.decide(keyID: "b", now: 30) == .fetch)
        cache.fetchStarted(now: 30)
        #expect(cache.decide(keyID: "b", now: 31) == .serve)
    }

    @Test func expiredKeysAreRefetchedAndServedStaleWhileFetchesFail() {
        var cache = JWKSCache(cooldown: 30, maximumStaleness: 3600)
        cache.fetchStarted(now: 0)
        cache.fetched(Self.keys, lifetime: 300, entityTag: "\"1\"", now: 0)
        #expect(cache.decide(keyID: "a", now: 300) == .fetch)
        cache.fetchStarted(now: 300)
        cache.failed(.unavailable("down"))
        #expect(cache.decide(keyID: "a", now: 310) == .serve)
        #expect(cache.isStale(now: 310))
        #expect(cache.decide(keyID: "a", now: 330) == .fetch)
        cache.fetchStarted(now: 3899)
        #expect(cache.decide(keyID: "a", now: 3900) == .fail)  // stale past 1 h
        cache.notModified(lifetime: 300, now: 3900)
        #expect(cache.decide(keyID: "a", now: 3901) == .serve)
        #expect(cache.generation == 1)
        #expect(cache.entityTag == "\"1\"")
    }

    @Test func backgroundRefreshComesBeforeExpiry() {
        var cache = JWKSCache(cooldown: 30, maximumStaleness: 3600)
        #expect(cache.nextRefresh(now: 0) == 0)
        cache.fetchStarted(now: 0)
        cache.failed(.unavailable("down"))
        #expect(cache.nextRefresh(now: 1) == 30)
        cache.fetchStarted(now: 0)
        cache.fetched(Self.keys, lifetime: 300, entityTag: nil, now: 0)
        #expect(cache.nextRefresh(now: 1) == 270)
        cache.fetched(Self.keys, lifetime: 100, entityTag: nil, now: 0)
        #expect(cache.nextRefresh(now: 1) == 90)
    }
}

@Suite struct HTTPCachePolicyTests {
    @Test(
        arguments: [
            ("public, max-age=600", nil, nil, nil, 600.0),
            ("max-age=600", "100", nil, nil, 500),
            ("max-age=60, s-maxage=120", nil, nil, nil, 120),
            ("no-store", nil, nil, nil, 0),
            ("no-cache, max-age=600", nil, nil, nil, 0),
            (nil, nil, "Sun, 06 Nov 1994 09:49:37 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", 3600),
            (nil, nil, "Sun, 06 Nov 1994 09:49:37 GMT", nil, nil),
            ("max-age=abc", nil, nil, nil, nil),
        ] as [(String?, String?, String?, String?, Double?)]
    )
    func lifetime(_ cacheControl: String?, age: String?, expires: String?, date: String?, expected: Double?) {
        #expect(HTTPCachePolicy(cacheControl: cacheControl, age: age, expires: expires, date: date).lifetime == expected)
    }

    @Test func lifetimeIsBounded() {
        #expect(
            HTTPCachePolicy(cacheControl: "no-store", age: nil, expires: nil, date: nil).lifetime(default: 300, minimum: 30, maximum: 86_400) == 30
        )
        #expect(HTTPCachePolicy(cacheControl: nil, age: nil, expires: nil, date: nil).lifetime(default: 300, minimum: 30, maximum: 86_400) == 300)
        #expect(
            HTTPCachePolicy(cacheControl: "max-age=9999999", age: nil, expires: nil, date: nil).lifetime(default: 300, minimum: 30, maximum: 86_400)
                == 86_400
        )
    }

    @Test func httpDate() {
        #expect(HTTPCachePolicy.httpDate("Thu, 01 Jan 1970 00:00:00 GMT") == 0)
        #expect(HTTPCachePolicy.httpDate("Sun, 06 Nov 1994 08:49:37 GMT") == 784_111_777)
        #expect(HTTPCachePolicy.httpDate("Sunday, 06-Nov-94 08:49:37 GMT") == nil)
    }
}

@Suite struct JWKSDocumentTests {
    static func document(_ entries: [JSONValue]) -> [UInt8] { JSONWriter.encode(.object(["keys": .array(entries)])) }
    static let key = try! JWTKey.generate(.es256).withKeyID("a")
    static var publicEntry: [String: JSONValue] { key.publicJWK! }

    @Test func publicSigningKeysAreKept() throws {
        let keys = try JWKSDocument.keys(Self.document([.object(Self.publicEntry)]), allowedAlgorithms: nil, maximumKeyCount: 8)
        #expect(keys.keys.count == 1)
    }

    @Test func privateOrSymmetricMaterialRefusesTheWholeDocument() throws {
        let secret = try JWTKey.hmac(secret: String(repeating: "s", count: 32), algorithm: .hs256)
        for entry in [Self.key.privateJWK, secret.privateJWK] {
            #expect(throws: JWTAuthError.invalidKey("")) {
                try JWKSDocument.keys(Self.document([.object(Self.publicEntry), .object(entry)]), allowedAlgorithms: nil, maximumKeyCount: 8)
            }
        }
    }

    @Test func keysForOtherUsesOrAlgorithmsAreSkipped() throws {
        var encryption = Self.publicEntry
        encryption["use"] = "enc"
        #expect(throws: JWTAuthError.invalidKey("")) {
            try JWKSDocument.keys(Self.document([.object(encryption)]), allowedAlgorithms: nil, maximumKeyCount: 8)
        }
        #expect(throws: JWTAuthError.invalidKey("")) {
            try JWKSDocument.keys(Self.document([.object(Self.publicEntry)]), allowedAlgorithms: [.rs256], maximumKeyCount: 8)
        }
    }

    @Test func repeatedKidsAndTooManyKeysAreRefused() {
        #expect(throws: JWTAuthError.invalidKey("")) {
            try JWKSDocument.keys(Self.document([.object(Self.publicEntry), .object(Self.publicEntry)]), allowedAlgorithms: nil, maximumKeyCount: 8)
        }
        #expect(throws: JWTAuthError.invalidKey("")) {
            try JWKSDocument.keys(Self.document([.object(Self.publicEntry)]), allowedAlgorithms: nil, maximumKeyCount: 0)
        }
    }
}
