import AuthServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthPostgres
import JWTAuthTesting
import PostgresNIO
import Testing

/// Key rotation with the keys in PostgreSQL: service instances on one database sign with the same current key,
/// follow a rotation and a retirement within a second, and keep them across a restart.
/// Skipped without a server unless `JWT_AUTH_REQUIRE_SERVERS=1`, when they fail saying so.
@Suite(
    .enabled(
        if: TestServers.isEnabled(TestServers.postgres),
        "JWT_AUTH_POSTGRES_URL is not set"
    )
)
struct PostgresKeyRotationTests {
    /// A database of the test's own (the keys table is shared by everything on a database), dropped by `body`'s end.
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        let base = try TestServers.url(TestServers.postgres)
        try await PostgresStore.withTemporaryDatabase(on: base, prefix: "jwt_auth_k", body)
    }

    static func configuration(database: String, directory: String) throws -> AuthServerConfiguration {
        try AuthServerConfiguration(settings: [
            "DATA_DIR": directory, "DATABASE_URL": database, "BCRYPT_COST": "4", "REFRESH_TTL": "1h", "LOGIN_ATTEMPTS": "0",
        ])
    }

    static func jwtError(_ client: some TestClientProtocol, _ token: String) async throws -> JSONValue? {
        let response = try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(token)"])
        return response.status == .ok ? nil : InProcessServiceTests.object(response)["error"]
    }

    /// Every row of the keys table: (kid, is_current, whether the PEM is a private key).
    static func rows(_ keys: any KeyStore) async throws -> [(keyID: String, isCurrent: Bool, isPrivate: Bool)] {
        let store = try #require(keys as? PostgresKeyStore).store
        return try await store.signingKeys().map { ($0.keyID, $0.isCurrent, $0.pem.contains("PRIVATE KEY")) }
    }

    @Test func instancesOnOneDatabaseRotateAndRetireTogether() async throws {
        try await Self.withDatabase { database in
            let directory = InProcessServiceTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let clock = SettableClock()
            let configuration = try Self.configuration(database: database, directory: directory)
            let appA = try await AuthServer.buildApplication(configuration, clock: clock.clock)
            let appB = try await AuthServer.buildApplication(configuration, clock: clock.clock)
            // The keys are in the database, not in the data directory: one generated ES256 key, private.
            #expect(!FileManager.default.fileExists(atPath: directory + "/keys"))
            try await AuthServer.withKeyStore(configuration) { keys in
                let initial = try await Self.rows(keys)
                #expect(initial.count == 1)
                #expect(initial.first?.isCurrent == true && initial.first?.isPrivate == true)
                let (old, fromA) = try await appA.test(.router) { a in
                    try await appB.test(.router) { b in
                        let old = try await KeyRotationTests.login(a)
                        let oldKeyID = try KeyRotationTests.keyID(old)
                        #expect(oldKeyID == initial.first?.keyID)
                        #expect(try KeyRotationTests.keyID(try await KeyRotationTests.login(b)) == oldKeyID)
                        #expect(try await Self.jwtError(b, old) == nil)

                        // `keys rotate` on the database (the CLI's code path): both sign with the new key after a re-read.
                        let newKeyID = try #require(try await keys.rotate(algorithm: .es256).keyID)
                        #expect(newKeyID != oldKeyID)
                        // Within the re-read interval they still sign with the old key ...
                        #expect(try KeyRotationTests.keyID(try await KeyRotationTests.login(a)) == oldKeyID)
                        // ... and from the next look on with the new one.
                        clock.advance(by: .seconds(1))
                        let fromA = try await KeyRotationTests.login(a)
                        let fromB = try await KeyRotationTests.login(b)
                        #expect(try KeyRotationTests.keyID(fromA) == newKeyID)
                        #expect(try KeyRotationTests.keyID(fromB) == newKeyID)
                        for client in [a, b] {
                            for token in [old, fromA, fromB] { #expect(try await Self.jwtError(client, token) == nil) }
                            #expect(try await KeyRotationTests.jwksKeyIDs(client) == [oldKeyID, newKeyID])
                        }
                        // The old key retires when the longest token it could have signed (refresh: 1 h) has expired,
                        // plus the re-read interval during which another instance may still have signed with it.
                        let contents = try await keys.read(now: clock.now)
                        #expect(contents.currentKeyID == newKeyID)
                        #expect(contents.retirements[oldKeyID] == (clock.now + 3601).rounded(.up))

                        // `keys retire` of the old key: both refuse its tokens after a re-read, and stop publishing it.
                        try await keys.retire(oldKeyID)
                        clock.advance(by: .seconds(1))
                        for client in [a, b] {
                            #expect(try await Self.jwtError(client, old) == "invalid_token")
                            #expect(try await Self.jwtError(client, fromA) == nil)
                            #expect(try await KeyRotationTests.jwksKeyIDs(client) == [newKeyID])
                        }
                        return (old, fromA)
                    }
                }
                // A restart (a new instance) signs with the rotated key, verifies its tokens, and refuses the retired
                // key's.
                let appC = try await AuthServer.buildApplication(configuration, clock: clock.clock)
                try await appC.test(.router) { c in
                    let current = try #require(try await keys.read(now: clock.now).currentKeyID)
                    #expect(try KeyRotationTests.keyID(try await KeyRotationTests.login(c)) == current)
                    #expect(try KeyRotationTests.keyID(fromA) == current)
                    #expect(try await Self.jwtError(c, fromA) == nil)
                    #expect(try await Self.jwtError(c, old) == "invalid_token")
                    #expect(try await KeyRotationTests.jwksKeyIDs(c) == [current])
                }
                #expect(try await Self.rows(keys).map(\.keyID) == [try KeyRotationTests.keyID(fromA)])
            }
        }
    }

    @Test func instancesStartingTogetherOnAnEmptyTableGenerateOneKey() async throws {
        try await Self.withDatabase { database in
            let directory = InProcessServiceTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let configuration = try Self.configuration(database: database, directory: directory)
            // Migrate first, so that the starts race on the keys, not behind the migration's lock.
            try await AuthServer.withKeyStore(configuration) { keys in
                #expect(try await Self.rows(keys).isEmpty)
                let apps = try await withThrowingTaskGroup(of: (any ApplicationProtocol).self) { group in
                    for _ in 0..<4 { group.addTask { try await AuthServer.buildApplication(configuration) } }
                    return try await group.reduce(into: [any ApplicationProtocol]()) { $0.append($1) }
                }
                let rows = try await Self.rows(keys)
                #expect(rows.count == 1)
                #expect(rows.filter(\.isCurrent).count == 1)
                var signedWith: Set<String> = []
                for app in apps {
                    signedWith.insert(
                        try await app.test(.router) { client in try KeyRotationTests.keyID(try await KeyRotationTests.login(client)) }
                    )
                }
                #expect(signedWith == Set(rows.map(\.keyID)))
            }
        }
    }

    @Test func aKeyFileIsImportedAsTheCurrentKeyWithoutItsPrivateHalf() async throws {
        try await Self.withDatabase { database in
            let directory = InProcessServiceTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let clock = SettableClock()
            let plain = try Self.configuration(database: database, directory: directory)
            let generated = try await AuthServer.buildApplication(plain, clock: clock.clock).test(.router) { client in
                try await KeyRotationTests.login(client)
            }
            let keyFile = directory + "/signing.pem"
            let fileKey = try JWTKey.generate(.es256)
            try Data(try #require(fileKey.pemRepresentation).utf8).write(to: URL(filePath: keyFile))
            let withFile = try AuthServerConfiguration(settings: [
                "DATA_DIR": directory, "DATABASE_URL": database, "KEY_FILE": keyFile, "BCRYPT_COST": "4", "REFRESH_TTL": "1h",
                "LOGIN_ATTEMPTS": "0",
            ])
            // A start with the key file is a rotation to the file's key, for every instance on the database.
            let app = try await AuthServer.buildApplication(withFile, clock: clock.clock)
            try await app.test(.router) { client in
                let token = try await KeyRotationTests.login(client)
                #expect(try KeyRotationTests.keyID(token) == fileKey.thumbprint)
                #expect(try await Self.jwtError(client, generated) == nil)
            }
            try await AuthServer.withKeyStore(plain) { keys in
                let rows = try await Self.rows(keys)
                let imported = try #require(rows.first { $0.keyID == fileKey.thumbprint })
                #expect(imported.isCurrent)
                // The private key stays in the file: the database holds its public half only.
                #expect(!imported.isPrivate)
                #expect(rows.count == 2)
            }
        }
    }

    @Test func theCurrentKeyInTheDatabaseCannotBeRetiredAndKeysExpireOnTime() async throws {
        try await Self.withDatabase { database in
            let directory = InProcessServiceTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let clock = SettableClock()
            let configuration = try Self.configuration(database: database, directory: directory)
            let app = try await AuthServer.buildApplication(configuration, clock: clock.clock)
            try await AuthServer.withKeyStore(configuration) { keys in
                try await app.test(.router) { client in
                    let old = try await KeyRotationTests.login(client)
                    let oldKeyID = try KeyRotationTests.keyID(old)
                    await #expect(throws: JWTAuthError.invalidKey("")) { try await keys.retire(oldKeyID) }
                    await #expect(throws: JWTAuthError.invalidKey("")) { try await keys.retire("no-such-kid") }
                    let newKeyID = try #require(try await keys.rotate(algorithm: .es256).keyID)
                    clock.advance(by: .seconds(1))
                    #expect(try KeyRotationTests.keyID(try await KeyRotationTests.login(client)) == newKeyID)
                    // An hour (and the re-read interval) after the service stopped signing with it, the old key is gone,
                    // its row deleted.
                    clock.advance(by: .seconds(3600))
                    #expect(try await KeyRotationTests.jwksKeyIDs(client) == [oldKeyID, newKeyID])
                    clock.advance(by: .seconds(1))
                    #expect(try await KeyRotationTests.jwksKeyIDs(client) == [newKeyID])
                    #expect(try await keys.read(now: 0).keys.map(\.keyID) == [newKeyID])
                }
            }
        }
    }
}
