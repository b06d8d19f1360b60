import Crypto
import Foundation
import JWTAuth
import JWTAuthTesting
import Testing

/// The compact revocation index: ids packed into 128-bit keys, times in whole seconds rounded up.
@Suite(.bug(id: 20, "the in-memory revocation index took about 250 bytes per revocation"))
struct RevocationKeyTests {
    /// The 16 bytes of a UUID, as a key's two words.
    func words(_ uuid: UUID) -> (UInt64, UInt64) {
        withUnsafeBytes(of: uuid.uuid) { bytes in
            (bytes.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }, bytes.suffix(8).reduce(0) { $0 << 8 | UInt64($1) })
        }
    }

    @Test func aLowercaseVersion4UUIDIsItsOwn16Bytes() {
        for _ in 0..<1000 {
            let uuid = UUID()
            let key = RevocationKey(uuid.uuidString.lowercased())
            #expect(key.form == 4)
            #expect((key.high, key.low) == words(uuid))
        }
    }

    @Test func distinctIdsHaveDistinctKeys() {
        let ids = (0..<10_000).map { _ in UUID().uuidString.lowercased() } + (0..<1000).map { String($0) }
        #expect(Set(ids.map(RevocationKey.init)).count == Set(ids).count)
    }

    /// `jti` comparison is exact: an upper-case UUID is another id than its lower-case form.
    @Test(arguments: [
        "C3D2A1B0-5E4F-4A6B-9C8D-7E6F5A4B3C2D", "c3d2a1b0-5e4f-4a6b-9c8d-7e6f5a4B3c2d", "C3D2A1B0-5E4F-4A6B-9C8D-7E6F5A4B3C2D ",
        "c3d2a1b0-5e4f-7a6b-9c8d-7e6f5a4b3c2d", "c3d2a1b05e4f4a6b9c8d7e6f5a4b3c2d", "{c3d2a1b0-5e4f-4a6b-9c8d-7e6f5a4b3c2d}",
        "c3d2a1b0+5e4f-4a6b-9c8d-7e6f5a4b3c2d", "g3d2a1b0-5e4f-4a6b-9c8d-7e6f5a4b3c2d",
    ])
    func anythingButACanonicalLowercaseVersion4UUIDIsHashed(id: String) {
        let canonical = RevocationKey("c3d2a1b0-5e4f-4a6b-9c8d-7e6f5a4b3c2d")
        let key = RevocationKey(id)
        #expect(canonical.form == 4)
        #expect(key.form == 1)
        #expect(key != canonical)
        #expect(key == RevocationKey(String(id)), "the same string gives the same key")
        // The first 16 bytes of SHA-256, with form 1 written over the nibble where a UUID keeps its version.
        let digest = Array(SHA256.hash(data: Array(id.utf8)))
        let high = digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
        #expect(key.high == (high & ~0xF000 | 0x1000))
        #expect(key.low == digest[8..<16].reduce(0) { $0 << 8 | UInt64($1) })
    }

    /// The parser reads eight characters at a time: UUIDs with one or two characters changed (into digits,
    /// letters either side of the hex ranges, non-ASCII) are packed only when still canonical, and then exactly.
    @Test func mutatedUUIDsArePackedOnlyWhenCanonical() {
        let replacements: [Character] = Array("0123456789abcdefABCDEFg-4/:`@G \u{7f}\u{0}") + ["\u{80}", "é", "\u{FF}"]
        for trial in 0..<50_000 {
            var characters = Array(UUID().uuidString.lowercased())
            for _ in 0..<(trial % 3) { characters[Int.random(in: 0..<36)] = replacements.randomElement()! }
            let id = String(characters)
            let key = RevocationKey(id)
            let canonical =
                characters.count == 36
                && characters.indices.allSatisfy { index in
                    [8, 13, 18, 23].contains(index) ? characters[index] == "-" : "0123456789abcdef".contains(characters[index])
                } && characters[14] == "4"
            if canonical, let uuid = UUID(uuidString: id) {
                #expect(key.form == 4 && (key.high, key.low) == words(uuid), "\(id)")
            } else {
                #expect(key.form == (id.utf8.count <= 15 ? 0 : 1), "\(id.debugDescription)")
            }
        }
    }

    /// Compared by their UTF-8 bytes, as SQLite, PostgreSQL and Redis compare them: "é" precomposed or not are two ids.
    @Test func shortIdsArePackedExactlyWithTheirLength() {
        let ids = ["", "1", "12", "21", "1\0", "\0", "\0\0", "a", "A", "é", "e\u{301}", "123456789012345", "12345678901234"]
        let keys = ids.map(RevocationKey.init)
        #expect(Set(keys).count == ids.count)
        #expect(keys.allSatisfy { $0.form == 0 })
        #expect(RevocationKey("42") == RevocationKey(high: 0x3432_0000_0000_0200, low: 0))
        #expect(RevocationKey("1234567890123456").form == 1, "16 bytes are hashed")
    }

    @Test func timesAreWholeSecondsRoundedUp() {
        #expect(RevocationIndex.seconds(1000) == 1000)
        #expect(RevocationIndex.seconds(1000.000_001) == 1001)
        #expect(RevocationIndex.seconds(999.5) == 1000)
        #expect(RevocationIndex.seconds(0) == 0)
        #expect(RevocationIndex.seconds(-5) == 0)
        #expect(RevocationIndex.seconds(-.infinity) == 0)
        #expect(RevocationIndex.seconds(Double(UInt32.max) - 0.5) == .max)
        #expect(RevocationIndex.seconds(1e20) == .max)
        #expect(RevocationIndex.seconds(.infinity) == .max)
        #expect(RevocationIndex.seconds(.nan) == .max, "a time that is not a number revokes for good")
    }

    @Test func aRevocationNeverEndsBeforeItsTime() {
        var index = RevocationIndex()
        index.revoke(tokenID: "a", until: 1000.2)
        index.revoke(sessionID: "s", until: 2000.7)
        index.revokeAll(subject: "7", issuedBefore: 3000.5)
        #expect(index.isRevoked(RevocationQuery(tokenID: "a"), now: 1000.9))
        #expect(!index.isRevoked(RevocationQuery(tokenID: "a"), now: 1001))
        #expect(index.isRevoked(RevocationQuery(tokenID: "b", sessionID: "s"), now: 2000.99))
        #expect(!index.isRevoked(RevocationQuery(tokenID: "b", sessionID: "s"), now: 2001))
        // Tokens issued in the cutoff's second, with whole-second iat, die as before; the next second lives.
        #expect(index.isRevoked(RevocationQuery(tokenID: "b", subject: "7", issuedAt: 3000), now: 0))
        #expect(!index.isRevoked(RevocationQuery(tokenID: "b", subject: "7", issuedAt: 3001), now: 0))
    }

    @Test func purgeKeepsLiveEntriesWhetherFewOrMostExpired() {
        for expiredCount in [1, 90] {
            var index = RevocationIndex()
            for number in 0..<100 { index.revoke(tokenID: "t\(number)", until: number < expiredCount ? 10 : 1000) }
            index.revokeAll(subject: "7", issuedBefore: 5)
            index.purge(now: 10)
            #expect(index.tokens.count == 100 - expiredCount)
            #expect(index.isRevoked(RevocationQuery(tokenID: "t99"), now: 10))
            #expect(index.cutoffs.count == 1)
        }
    }

    @Test func theMemoryStoreComparesIdsExactly() async throws {
        let clock = SettableClock()
        let store = MemoryRevocationStore(clock: clock.clock)
        let lower = UUID().uuidString.lowercased()
        let upper = lower.uppercased()
        let long = String(repeating: "x", count: 100)
        await store.revoke(tokenID: lower, until: clock.now + 60)
        await store.revoke(sessionID: upper, until: clock.now + 60)
        await store.revoke(tokenID: long, until: clock.now + 60)
        #expect(await store.isRevoked(RevocationQuery(tokenID: lower)))
        #expect(await !store.isRevoked(RevocationQuery(tokenID: upper)))
        #expect(await store.isRevoked(RevocationQuery(tokenID: "other", sessionID: upper)))
        #expect(await !store.isRevoked(RevocationQuery(tokenID: "other", sessionID: lower)))
        #expect(await store.isRevoked(RevocationQuery(tokenID: long)))
        #expect(await !store.isRevoked(RevocationQuery(tokenID: long + "y")))
    }
}
