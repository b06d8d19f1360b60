import Foundation
import JWTAuth
import JWTAuthTesting
import Testing

/// A ``RotatingKeySource`` over a key directory: a key generated on the first start, rotations and
/// retirements seen without a restart.
@Suite struct RotatingKeySourceTests {
    /// A new directory for keys, inside a temporary directory to remove afterwards.
    static func temporaryKeyDirectory() -> (keys: KeyDirectory, parent: String) {
        let parent = NSTemporaryDirectory() + "jwt-auth-test-\(UUID().uuidString)"
        return (KeyDirectory(path: parent + "/keys"), parent)
    }

    @Test func theFirstStartGeneratesAKeyAndLaterStartsReuseIt() async throws {
        let (directory, parent) = Self.temporaryKeyDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let first = try await RotatingKeySource(store: directory, signingWith: .es256)
        let key = try #require(first.current.signingKey)
        #expect(key.keyID == key.thumbprint)
        #expect(directory.currentKeyID == key.keyID)
        let again = try await RotatingKeySource(store: directory, signingWith: .es256)
        #expect(again.current.signingKey?.keyID == key.keyID)
        // A change of algorithm is a rotation: the previous key keeps verifying.
        let changed = try await RotatingKeySource(store: directory, signingWith: .es384)
        #expect(changed.current.signingKey?.algorithm == .es384)
        #expect(changed.current.keys[keyID: try #require(key.keyID)] != nil)
    }

    @Test func aRotationSignsFromTheNextLookAndTheOldKeyRetiresAfterTheLongestToken() async throws {
        let (directory, parent) = Self.temporaryKeyDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let clock = SettableClock()
        let configuration = TokenConfiguration(accessTokenLifetime: .seconds(900), refreshTokenLifetime: .seconds(3600))
        let source = try await RotatingKeySource(store: directory, signingWith: .es256, configuration: configuration, clock: clock.clock)
        let old = try #require(try await source.signingSnapshot().signingKey?.keyID)

        let new = try #require(try directory.rotate(algorithm: .es256).keyID)
        #expect(try await source.signingSnapshot().signingKey?.keyID == old, "until the next look")
        clock.advance(by: .seconds(1))
        let snapshot = try await source.signingSnapshot()
        #expect(snapshot.signingKey?.keyID == new)
        #expect(snapshot.keys[keyID: old] != nil)
        #expect(directory.retirement(of: old) == (clock.now + 3601).rounded(.up))

        clock.advance(by: .seconds(3601))
        #expect(try await source.verificationKeys(for: old).keys[keyID: old] == nil)
        #expect(!FileManager.default.fileExists(atPath: directory.path + "/key-\(old).pem"))
    }
}
