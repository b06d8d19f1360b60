import Foundation
import JWTAuth
import JWTAuthTesting
import Synchronization
import Testing

/// A ``RotatingKeySource`` while its store cannot be read: the last keys keep verifying, and once a look at
/// the store has failed, requests stop waiting for the next look (each would otherwise wait out the store's
/// deadline before its own revocation check).
@Suite struct RotatingKeySourceOutageTests {
    struct StoreDown: Error {}

    /// A key directory that can be made to fail at once, or to hang until released.
    final class UnreliableStore: KeyStore {
        enum Mode { case working, failing, hanging }
        let directory: KeyDirectory
        let mode = Mutex(Mode.working)
        let released = Mutex(false)
        init(_ directory: KeyDirectory) { self.directory = directory }

        var location: String { directory.location }
        func prepare() async throws { try await directory.prepare() }
        func changeMarker() async throws -> String {
            switch mode.withLock({ $0 }) {
            case .working: return try await directory.changeMarker()
            case .failing: throw StoreDown()
            case .hanging:
                // Released by the test, or gives up after ten seconds so that a wrong implementation fails
                // the test instead of hanging it.
                let deadline = ContinuousClock.now + .seconds(10)
                while !released.withLock({ $0 }), ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
                throw StoreDown()
            }
        }
        func read(now: Double) async throws -> KeyStoreContents { try directory.read(now: now) }
        func stampRetirements(at time: Double) async throws { try directory.stampRetirements(at: time) }
        func add(_ key: JWTKey) async throws { try directory.add(key) }
        func makeCurrent(_ keyID: String) async throws { try directory.makeCurrent(keyID) }
        func rotate(algorithm: SigningAlgorithm) async throws -> JWTKey { try directory.rotate(algorithm: algorithm) }
        func retire(_ keyID: String) async throws { try directory.retire(keyID) }
    }

    @Test(.timeLimit(.minutes(1))) func afterAFailedLookRequestsUseTheLastKeysWithoutWaiting() async throws {
        let (directory, parent) = RotatingKeySourceTests.temporaryKeyDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let key = try directory.rotate(algorithm: .es256)
        let store = UnreliableStore(directory)
        let clock = SettableClock()
        let source = try await RotatingKeySource(store: store, clock: clock.clock)

        store.mode.withLock { $0 = .failing }
        clock.advance(by: .seconds(2))
        #expect(try await source.verificationKeys(for: key.keyID).keys[keyID: try #require(key.keyID)] != nil, "the last keys stay")

        store.mode.withLock { $0 = .hanging }
        clock.advance(by: .seconds(2))
        let start = ContinuousClock.now
        #expect(try await source.verificationKeys(for: key.keyID).keys[keyID: try #require(key.keyID)] != nil)
        let waited = ContinuousClock.now - start
        let stillLooking = !store.released.withLock { $0 }
        store.released.withLock { $0 = true }
        // Structural, not timed: the answer came while the look still hung.
        #expect(stillLooking, "the request waited for the hanging look (\(waited))")
    }
}
