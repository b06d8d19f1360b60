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
        /// How many looks reached the store while it hangs.
        let hung = Mutex(0)
        init(_ directory: KeyDirectory) { self.directory = directory }

        var location: String { directory.location }
        func prepare() async throws { try await directory.prepare() }
        func changeMarker() async throws -> String {
            switch mode.withLock({ $0 }) {
            case .working: return try await directory.changeMarker()
            case .failing: throw StoreDown()
            case .hanging:
                hung.withLock { $0 += 1 }
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

    /// ``RotatingKeySource/verificationKeysImmediately(for:)`` gives what ``RotatingKeySource/verificationKeys(for:)``
    /// would, and declines whenever that would wait for a look at the store: when one is due, or under way.
    @Test(.timeLimit(.minutes(1))) func theKeysAreAtHandOnlyWhenNothingIsWaitedFor() async throws {
        let (directory, parent) = RotatingKeySourceTests.temporaryKeyDirectory()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        let first = try #require(try directory.rotate(algorithm: .es256).keyID)
        let store = UnreliableStore(directory)
        let clock = SettableClock()
        let source = try await RotatingKeySource(store: store, clock: clock.clock)

        // Between looks: the current keys.
        #expect(source.verificationKeysImmediately { first }?.generation == source.current.generation)
        #expect(source.verificationKeysImmediately { first }?.keys[keyID: first] != nil)

        // A look is due: declined; the awaited call looks, and sees the rotation.
        let second = try #require(try directory.rotate(algorithm: .es256).keyID)
        clock.advance(by: .seconds(2))
        #expect(source.verificationKeysImmediately { second } == nil)
        #expect(try await source.verificationKeys(for: second).keys[keyID: second] != nil)
        #expect(source.verificationKeysImmediately { second }?.keys[keyID: second] != nil)

        // A look under way, the last one having succeeded: declined until it ends.
        store.mode.withLock { $0 = .hanging }
        clock.advance(by: .seconds(2))
        let waiting = Task { try await source.verificationKeys(for: second) }
        while store.hung.withLock({ $0 }) == 0 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(source.verificationKeysImmediately { second } == nil, "a look is under way")
        store.released.withLock { $0 = true }
        #expect(try await waiting.value.keys[keyID: second] != nil, "the last keys stay")

        // That look failed: the next one is not waited for, and the keys are at hand while it goes on.
        store.released.withLock { $0 = false }
        clock.advance(by: .seconds(2))
        #expect(try await source.verificationKeys(for: second).keys[keyID: second] != nil)
        while store.hung.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(5)) }
        #expect(source.verificationKeysImmediately { second }?.keys[keyID: second] != nil)
        store.released.withLock { $0 = true }
    }
}
