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
@Suite(.enabled(if: PostgresTestServer.url != nil, "JWT_AUTH_POSTGRES_URL is not set"))
struct PostgresKeyRotationTests {
    /// A database of the test's own (the keys table is shared by everything on a database), dropped by `body`'s end.
    static func withDatabase(_ body: (String) async throws -> Void) async throws {
        let base = try #require(PostgresTestServer.url)
        let name = "jwt_auth_k\(UInt64.random(in: 0...UInt64.max))"
        let admin = try await PostgresStore.connect(url: base, timeout: .seconds(10))
        do {
            _ = try await admin.client.query("CREATE DATABASE \(unescaped: name)").collect()
            let (path, query) = base.firstIndex(of: "?").map { (base[..<$0], base[$0...]) } ?? (base[...], "")
            let slash = try #require(path.lastIndex(of: "/"))
            try await body(String(path[...slash]) + name + String(query))
        } catch {
            _ = try? await admin.client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)").collect()
            await admin.close()
            throw error
        }
        _ = try? await admin.client.query("DROP DATABASE IF EXISTS \(unescaped: name) WITH (FORCE)").collect()
        await admin.close()
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

    @Test func instancesOnOneDatabaseRotateAndRetireTogether() async throws {
        try await Self.withDatabase { database in
            let directory = InProcessServiceTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let clock = SettableClock()
            let configuration = try Self.configuration(database: database, directory: directory)
            let appA = try await AuthServer.buildApplication(configuration, clock: clock.clock)
            let appB = try await AuthServer.buildApplication(configuration, clock: clock.clock)
            // The keys are in the database, not in the data directory.
            #expect(!FileManager.default.fileExists(atPath: directory + "/keys"))
            let (keys, close) = try await AuthServer.openKeyStore(configuration)
            try await appA.test(.router) { a in
                try await appB.test(.router) { b in
                    let old = try await KeyRotationTests.login(a)
                    let oldKeyID = try KeyRotationTests.keyID(old)
                    #expect(try KeyRotationTests.keyID(try await KeyRotationTests.login(b)) == oldKeyID)
                    #expect(try await Self.jwtError(b, old) == nil)

                    // `keys rotate` on the database: both instances sign with the new key within a second.
                    let newKeyID = try #require(try await keys.rotate(algorithm: .es256).keyID)
                    clock.advance(by: .seconds(1))
                    let fromA = try await KeyRotationTests.login(a)
                    let fromB = try await KeyRotationTests.login(b)
                    #expect(try KeyRotationTests.keyID(fromA) == newKeyID)
                    #expect(try KeyRotationTests.keyID(fromB) == newKeyID)
                    for client in [a, b] {
                        for token in [old, fromA, fromB] { #expect(try await Self.jwtError(client, token) == nil) }
                        #expect(try await KeyRotationTests.jwksKeyIDs(client) == [oldKeyID, newKeyID])
                    }
                    // The old key retires when the longest token it could have signed (refresh: 1 h) has expired.
                    let contents = try await keys.read(now: clock.now)
                    #expect(contents.currentKeyID == newKeyID)
                    #expect(contents.retirements[oldKeyID] == (clock.now + 3600).rounded(.up))

                    // `keys retire` of the old key: both refuse its tokens within a second.
                    try await keys.retire(oldKeyID)
                    clock.advance(by: .seconds(1))
                    for client in [a, b] {
                        #expect(try await Self.jwtError(client, old) == "invalid_token")
                        #expect(try await Self.jwtError(client, fromA) == nil)
                        #expect(try await KeyRotationTests.jwksKeyIDs(client) == [newKeyID])
                    }
                }
            }
            // A restart (a third instance) signs with the rotated key and still refuses the retired one's tokens.
            let appC = try await AuthServer.buildApplication(configuration, clock: clock.clock)
            try await appC.test(.router) { c in
                let token = try await KeyRotationTests.login(c)
                let current = try #require(try await keys.read(now: clock.now).currentKeyID)
                #expect(try KeyRotationTests.keyID(token) == current)
                #expect(try await KeyRotationTests.jwksKeyIDs(c) == [current])
            }
            try await close()
        }
    }

    @Test func theCurrentKeyInTheDatabaseCannotBeRetiredAndKeysExpireOnTime() async throws {
        try await Self.withDatabase { database in
            let directory = InProcessServiceTests.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let clock = SettableClock()
            let configuration = try Self.configuration(database: database, directory: directory)
            let app = try await AuthServer.buildApplication(configuration, clock: clock.clock)
            let (keys, close) = try await AuthServer.openKeyStore(configuration)
            try await app.test(.router) { client in
                let old = try await KeyRotationTests.login(client)
                let oldKeyID = try KeyRotationTests.keyID(old)
                await #expect(throws: KeyDirectoryError.self) { try await keys.retire(oldKeyID) }
                await #expect(throws: KeyDirectoryError.self) { try await keys.retire("no-such-kid") }
                let newKeyID = try #require(try await keys.rotate(algorithm: .es256).keyID)
                clock.advance(by: .seconds(1))
                #expect(try KeyRotationTests.keyID(try await KeyRotationTests.login(client)) == newKeyID)
                // An hour after the service stopped signing with it, the old key is gone, its row deleted.
                clock.advance(by: .seconds(3599))
                #expect(try await KeyRotationTests.jwksKeyIDs(client) == [oldKeyID, newKeyID])
                clock.advance(by: .seconds(1))
                #expect(try await KeyRotationTests.jwksKeyIDs(client) == [newKeyID])
                #expect(try await keys.read(now: 0).keys.map(\.keyID) == [newKeyID])
            }
            try await close()
        }
    }
}
