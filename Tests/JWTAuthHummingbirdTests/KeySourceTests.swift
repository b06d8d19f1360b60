import Hummingbird
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Synchronization
import Testing

/// A ``JWTManager`` whose keys come from a ``JWTKeySource``.
@Suite struct KeySourceTests {
    /// Keys a test swaps; nil makes the source fail. With `immediately`, it offers them without waiting, for the
    /// token's `kid`, which it reads.
    final class SwitchableSource: JWTKeySource {
        let state = Mutex<(keys: JWTKeySet?, generation: UInt64, asked: [String?])>((nil, 0, []))
        let immediately: Bool
        init(immediately: Bool = false) { self.immediately = immediately }

        func set(_ keys: JWTKeySet?) { state.withLock { $0 = (keys, $0.generation + 1, $0.asked) } }
        var asked: [String?] { state.withLock { $0.asked } }

        func verificationKeys(for keyID: String?) async throws(JWTAuthError) -> JWTKeySnapshot {
            let (keys, generation) = state.withLock { state in
                state.asked.append(keyID)
                return (state.keys, state.generation)
            }
            guard let keys else { throw .unavailable("No verification keys") }
            return JWTKeySnapshot(keys: keys, generation: generation)
        }

        func verificationKeysImmediately(for keyID: () -> String?) -> JWTKeySnapshot? {
            guard immediately else { return nil }
            let keyID = keyID()
            return state.withLock { state in
                state.asked.append(keyID)
                return state.keys.map { JWTKeySnapshot(keys: $0, generation: state.generation) }
            }
        }
    }

    func makeApp(_ base: TokenFactory, source: SwitchableSource) throws -> some ApplicationProtocol {
        let manager = JWTManager(verifier: try base.verifier(cache: VerifiedTokenCache()), keySource: source)
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.group("/api").add(middleware: manager.middleware(.required))
            .get("/protected") { _, context in ["user": try context.requireJWT().subject] }
        return Application(router: router)
    }

    /// With `immediately`, the same answers without waiting, the `kid` read for the source.
    @Test(arguments: [false, true]) func theSourcesCurrentKeysVerifyAndTheVerifierFollowsThem(immediately: Bool) async throws {
        let clock = SettableClock()
        let first = try TokenFactory(algorithm: .es256, clock: clock)
        let second = try TokenFactory(algorithm: .es256, clock: clock)
        let source = SwitchableSource(immediately: immediately)
        source.set(try first.verificationKeys)
        let firstToken = try first.issuer.accessToken(for: "1").token
        let secondToken = try second.issuer.accessToken(for: "2").token
        try await makeApp(first, source: source).test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(firstToken)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(secondToken)) { #expect($0.status == .unauthorized) }
            // Rotated: both verify; then the first key retired: its token (verified and cached before) is refused.
            source.set(try JWTKeySet([first.key.publicKey!, second.key.publicKey!]))
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(secondToken)) { #expect($0.status == .ok) }
            source.set(try second.verificationKeys)
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(firstToken)) { #expect($0.status == .unauthorized) }
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(secondToken)) { #expect($0.status == .ok) }
        }
        #expect(source.asked.contains(second.key.keyID))
    }

    @Test func aSourceWithoutKeysFailsClosed() async throws {
        let factory = try TokenFactory(algorithm: .es256)
        let source = SwitchableSource()
        let token = try factory.issuer.accessToken(for: "1").token
        try await makeApp(factory, source: source).test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(token)) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(String(buffer: response.body).contains(#""error":"unavailable""#))
            }
        }
    }

    /// A source that also names the key to sign with, as a service's own rotated key store does.
    final class SigningSource: JWTSigningKeySource {
        let state = Mutex<JWTKeySnapshot?>(nil)

        func set(_ keys: JWTKeySet, signingKey: JWTKey) {
            state.withLock { $0 = JWTKeySnapshot(keys: keys, generation: ($0?.generation ?? 0) + 1, signingKey: signingKey) }
        }

        func verificationKeys(for keyID: String?) async throws(JWTAuthError) -> JWTKeySnapshot {
            guard let snapshot = state.withLock({ $0 }) else { throw .unavailable("No verification keys") }
            return snapshot
        }

        func signingSnapshot() async throws(JWTAuthError) -> JWTKeySnapshot { try await verificationKeys(for: nil) }
    }

    @Test func theIssuerFollowsASigningSourceAndKeepsItsConfiguration() async throws {
        let clock = SettableClock()
        let first = try TokenFactory(algorithm: .es256, clock: clock)
        let second = try TokenFactory(algorithm: .es256, clock: clock)
        var configuration = TokenConfiguration(accessTokenLifetime: .seconds(60))
        configuration.issuer = "https://issuer.example"
        let base = try TokenIssuer(key: first.key, configuration: configuration, clock: clock.clock)
        let source = SigningSource()
        source.set(try first.verificationKeys, signingKey: first.key)
        let manager = JWTManager(verifier: try first.verifier(), issuer: base, keySource: source)

        let before = try #require(try await manager.currentIssuer()).accessToken(for: "1")
        #expect(try UnverifiedToken(before.token).header.keyID == first.key.keyID)

        source.set(try JWTKeySet([first.key.publicKey!, second.key.publicKey!]), signingKey: second.key)
        let rotated = try await manager.issuer(basedOn: base)
        let after = try rotated.accessToken(for: "1")
        #expect(try UnverifiedToken(after.token).header.keyID == second.key.keyID)
        #expect(after.claims.issuer == "https://issuer.example")
        #expect(after.expiresAt == before.expiresAt)
        // Both verify through the manager's source.
        for token in [before.token, after.token] {
            #expect(try await manager.verifier(for: token).decode(token, as: .access).claims.subject == "1")
        }
        // Without a signing source the issuer is the one given.
        let plain = JWTManager(verifier: try first.verifier(), issuer: base, keySource: SwitchableSource())
        #expect(try await plain.issuer(basedOn: base).key.keyID == first.key.keyID)
    }
}
