import Foundation
import Hummingbird
import JWTAuth
import JWTAuthJWKS
import JWTAuthTesting
import Testing

/// The JWKS client against a live issuer on loopback.
@Suite struct JWKSClientTests {
    static func key() throws -> JWTKey {
        let key = try JWTKey.generate(.es256)
        return key.withKeyID(key.thumbprint)
    }

    static func client(_ url: URL, clock: SettableClock, _ change: (inout JWKSClientConfiguration) -> Void = { _ in }) throws -> JWKSClient {
        var configuration = JWKSClientConfiguration(allowsInsecureLoopback: true, requestTimeout: .seconds(10), cooldown: .seconds(30))
        change(&configuration)
        return try JWKSClient(url: url, configuration: configuration, clock: clock.clock)
    }

    /// Runs `body` with a client of the issuer's URL, shutting the client down after.
    static func withClient(
        _ issuer: FakeIssuer,
        clock: SettableClock,
        requestTimeout: Duration = .seconds(10),
        _ body: @Sendable (JWKSClient) async throws -> Void
    ) async throws {
        try await issuer.run { url in
            let client = try Self.client(url, clock: clock) { $0.requestTimeout = requestTimeout }
            do {
                try await body(client)
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    @Test func aCachedSetIsUsedWithoutRefetching() async throws {
        let first = try Self.key()
        let issuer = FakeIssuer(keys: [first])
        let clock = SettableClock()
        try await Self.withClient(issuer, clock: clock) { client in
            let fetched = try await client.verificationKeys(for: first.keyID)
            #expect(fetched.keys[keyID: first.keyID!] != nil)
            clock.advance(by: .seconds(299))
            let cached = try await client.verificationKeys(for: first.keyID)
            #expect(cached.generation == fetched.generation)
            #expect(issuer.requests == 1)
            #expect(await client.status.isStale == false)
        }
    }

    @Test func anExpiredSetIsRevalidatedWithItsETag() async throws {
        let first = try Self.key()
        let issuer = FakeIssuer(keys: [first])
        let clock = SettableClock()
        try await Self.withClient(issuer, clock: clock) { client in
            let fetched = try await client.verificationKeys(for: first.keyID)
            clock.advance(by: .seconds(300))
            let revalidated = try await client.verificationKeys(for: first.keyID)
            #expect(issuer.requests == 2)
            #expect(revalidated.generation == fetched.generation)  // 304: the same keys
        }
    }

    @Test func anUnknownKidCausesExactlyOneRefetchUnder100ConcurrentRequests() async throws {
        let first = try Self.key()
        let second = try Self.key()
        let issuer = FakeIssuer(keys: [first])
        let clock = SettableClock()
        try await Self.withClient(issuer, clock: clock) { client in
            _ = try await client.verificationKeys(for: first.keyID)
            issuer.add(second)
            clock.advance(by: .seconds(31))
            let found = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<100 {
                    group.addTask { try await client.verificationKeys(for: second.keyID).keys[keyID: second.keyID!] != nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(found == 100)
            #expect(issuer.requests == 2)
        }
    }

    @Test func unknownKidsWithinTheCooldownCauseNoFetch() async throws {
        let first = try Self.key()
        let issuer = FakeIssuer(keys: [first])
        let clock = SettableClock()
        try await Self.withClient(issuer, clock: clock) { client in
            _ = try await client.verificationKeys(for: first.keyID)
            for forged in 0..<50 {
                clock.advance(by: .milliseconds(500))
                let keys = try await client.verificationKeys(for: "forged-\(forged)")
                #expect(keys.keys[keyID: "forged-\(forged)"] == nil)
            }
            #expect(issuer.requests == 1)  // 25 s: still cooling down
            clock.advance(by: .seconds(5))
            _ = try await client.verificationKeys(for: "forged-again")
            #expect(issuer.requests == 2)
        }
    }

    @Test func theCachedSetKeepsVerifyingWhileTheIssuerIsDown() async throws {
        let first = try Self.key()
        let issuer = FakeIssuer(keys: [first])
        let clock = SettableClock()
        try await Self.withClient(issuer, clock: clock) { client in
            _ = try await client.verificationKeys(for: first.keyID)
            issuer.set(.status(.serviceUnavailable))
            clock.advance(by: .seconds(301))
            let stale = try await client.verificationKeys(for: first.keyID)
            #expect(stale.keys[keyID: first.keyID!] != nil)
            let status = await client.status
            #expect(status.isStale)
            #expect(status.isUsable)
            #expect(status.lastError?.contains("503") == true)
            #expect(issuer.requests == 2)
            // Past the allowed staleness (1 day) the set no longer verifies: fail closed.
            clock.advance(by: .seconds(86_400))
            await #expect(throws: JWTAuthError.unavailable()) { try await client.verificationKeys(for: first.keyID) }
            // The issuer back: the next fetch after the cooldown restores the keys.
            issuer.set(.normal)
            clock.advance(by: .seconds(31))
            #expect(try await client.verificationKeys(for: first.keyID).keys[keyID: first.keyID!] != nil)
            #expect(await client.status.isStale == false)
        }
    }

    @Test func withNoSetEverFetchedRequestsFailClosedWithoutAFetchStorm() async throws {
        let issuer = FakeIssuer(keys: [try Self.key()])
        issuer.set(.status(.internalServerError))
        let clock = SettableClock()
        try await Self.withClient(issuer, clock: clock) { client in
            for _ in 0..<20 {
                await #expect(throws: JWTAuthError.unavailable()) { try await client.verificationKeys(for: "any") }
            }
            #expect(issuer.requests == 1)
            #expect(await client.status.hasKeys == false)
        }
    }

    static let bad: [(FakeIssuer.Mode, String)] = [
        (.garbage, "not a JWK Set"),
        (.huge(10 * 1024 * 1024), "larger than"),
        (.slow, "timed out"),
        (.redirect("http://localhost:1/.well-known/jwks.json"), "another origin"),
        (.redirect("https://127.0.0.1/.well-known/jwks.json"), "another origin"),
        (.privateKey, "private or symmetric"),
        (.status(.notFound), "404"),
    ]

    @Test(arguments: 0..<bad.count) func aBadResponseIsAClearErrorWithoutACrashOrAHang(_ index: Int) async throws {
        let (mode, reason) = Self.bad[index]
        let issuer = FakeIssuer(keys: [try Self.key()])
        issuer.set(mode)
        let clock = SettableClock()
        try await Self.withClient(issuer, clock: clock, requestTimeout: .seconds(4)) { client in
            let started = ContinuousClock.now
            await #expect(throws: JWTAuthError.unavailable()) { try await client.verificationKeys(for: nil) }
            #expect(ContinuousClock.now - started < .seconds(20))  // the slow body would take 30 s
            let error = try #require(await client.status.lastError)
            #expect(error.contains(reason), "\(error)")
        }
    }

    @Test func runFetchesAtOnceAndRefreshesBeforeExpiryUntilCancelled() async throws {
        let first = try Self.key()
        let issuer = FakeIssuer(keys: [first])
        let clock = SettableClock()
        try await issuer.run { url in
            let client = try Self.client(url, clock: clock)
            let running = Task { try await client.run() }
            // Until the keys are stored (not only requested): their lifetime counts from then.
            try await Self.eventually { await client.status.hasKeys }
            #expect(issuer.requests == 1)
            // A tenth of the 300 s lifetime (30 s at most) before expiry, the set is fetched again.
            clock.advance(by: .seconds(269))
            try await Task.sleep(for: .seconds(1.5))
            #expect(issuer.requests == 1)
            clock.advance(by: .seconds(1))
            try await Self.eventually { issuer.requests == 2 }
            try await Self.eventually { await client.status.age == 0 }  // revalidated at T + 270
            running.cancel()
            try await running.value  // shuts the HTTP client down
        }
    }

    /// Waits (polling, at most 30 s) until `condition` holds.
    static func eventually(_ condition: () async -> Bool) async throws {
        for _ in 0..<300 {
            if await condition() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("The condition did not hold within 30 s")
    }

    @Test func aRedirectWithinTheSameOriginIsFollowed() async throws {
        let first = try Self.key()
        let issuer = FakeIssuer(keys: [first])
        try await issuer.run { url in
            let moved = URL(string: "/moved", relativeTo: url)!.absoluteURL
            let client = try Self.client(moved, clock: SettableClock())
            let keys = try await client.verificationKeys(for: first.keyID)
            #expect(keys.keys[keyID: first.keyID!] != nil)
            try await client.shutdown()
        }
    }

    @Test(arguments: [
        ("http://issuer.example/.well-known/jwks.json", true),
        ("http://10.0.0.1/jwks", true),
        ("http://127.0.0.1:8080/jwks", false),
        ("ftp://127.0.0.1/jwks", true),
        ("/relative", false),
    ])
    func onlyHTTPSOrAllowedLoopbackURLs(_ text: String, allowLoopback: Bool) throws {
        let configuration = JWKSClientConfiguration(allowsInsecureLoopback: allowLoopback)
        #expect(throws: JWTAuthError.invalidConfiguration("")) { try JWKSClient(url: URL(string: text)!, configuration: configuration) }
    }
}
