import Foundation
import Hummingbird
import HummingbirdAuthTesting
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import JWTAuthTesting
import Testing

/// Key rotation in a Hummingbird application with JWTAuth and JWTAuthHummingbird alone: a key directory,
/// a ``RotatingKeySource`` over it as the manager's key source, a rotation while the application runs.
@Suite struct KeyDirectoryRotationTests {
    @Test func aRotatedKeySignsAndVerifiesWithoutARestart() async throws {
        let parent = NSTemporaryDirectory() + "jwt-auth-test-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let clock = SettableClock()
        let directory = KeyDirectory(path: parent + "/keys")
        let configuration = TokenConfiguration()

        // The first start generates a key; later starts reuse the current one.
        let keys = try await RotatingKeySource(store: directory, signingWith: .es256, configuration: configuration, clock: clock.clock)
        let signingKey = try #require(keys.current.signingKey)
        let manager = JWTManager(
            verifier: try TokenVerifier(keys: keys.current.keys, configuration: configuration, clock: clock.clock),
            issuer: try TokenIssuer(key: signingKey, configuration: configuration, clock: clock.clock),
            keySource: keys
        )
        let router = Router(context: BasicJWTRequestContext.self)
        router.add(middleware: JWTErrorMiddleware(manager: manager))
        router.group("/api").add(middleware: manager.middleware(.required))
            .get("/protected") { _, context in ["user": try context.requireJWT().subject] }

        let before = try #require(try await manager.currentIssuer()).accessToken(for: "42").token
        // `jwt-auth keys rotate`, or the application itself, makes a new key current ...
        let rotated = try #require(try directory.rotate(algorithm: .es256).keyID)
        // ... which signs from the source's next look at the directory (once a second by default).
        clock.advance(by: .seconds(1))
        let after = try #require(try await manager.currentIssuer()).accessToken(for: "42").token
        #expect(try UnverifiedToken(after).header.keyID == rotated)
        #expect(try UnverifiedToken(before).header.keyID == signingKey.keyID)

        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(after)) { #expect($0.status == .ok) }
            // A token of the previous key keeps verifying until it retires.
            try await client.execute(uri: "/api/protected", method: .get, auth: .bearer(before)) { #expect($0.status == .ok) }
        }
    }
}
