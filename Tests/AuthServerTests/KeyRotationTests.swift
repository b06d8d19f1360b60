import AuthServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthTesting
import Testing

/// Rotation and retirement of the service's keys, across restarts (each `buildApplication` is a start).
@Suite struct KeyRotationTests {
    static let json: HTTPFields = [.contentType: "application/json"]
    static let credentials = ByteBuffer(string: #"{"username":"alice","password":"correct horse"}"#)

    static func configuration(_ directory: String, _ extra: [String: String] = [:]) throws -> AuthServerConfiguration {
        try AuthServerConfiguration(
            settings: ["DATA_DIR": directory, "BCRYPT_COST": "4", "REFRESH_TTL": "1h", "LOGIN_ATTEMPTS": "0"].merging(extra) { $1 }
        )
    }

    /// Registers (once) and logs in; the access token.
    static func login(_ client: some TestClientProtocol) async throws -> String {
        _ = try await client.execute(uri: "/auth/register", method: .post, headers: json, body: credentials)
        let login = try await client.execute(uri: "/auth/login", method: .post, headers: json, body: credentials)
        return try #require(InProcessServiceTests.object(login)["access_token"]?.stringValue)
    }

    static func status(_ client: some TestClientProtocol, _ token: String) async throws -> HTTPResponse.Status {
        try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(token)"]).status
    }

    static func jwksKeyIDs(_ client: some TestClientProtocol) async throws -> Set<String> {
        let response = try await client.execute(uri: "/.well-known/jwks.json", method: .get)
        return Set((InProcessServiceTests.object(response)["keys"]?.arrayValue ?? []).compactMap { $0["kid"]?.stringValue })
    }

    static func keyID(_ token: String) throws -> String {
        try #require(try UnverifiedToken(token).header.keyID)
    }

    /// A PEM does not say which algorithm an RSA key signs with: the stored key keeps its own, so a PS256
    /// or RS384 service reuses its key after a restart and its tokens keep verifying (they would be refused
    /// if the key came back as RS256); after a change of algorithm the old key still verifies as itself.
    @Test(arguments: ["PS256", "RS384", "ES384", "EdDSA"])
    func aRestartKeepsTheKeyAndItsAlgorithm(algorithm: String) async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try Self.configuration(directory, ["ALGORITHM": algorithm])
        let before = try await AuthServer.buildApplication(configuration).test(.router) { client in
            try await Self.login(client)
        }
        #expect(try UnverifiedToken(before).header.algorithm == algorithm)
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            #expect(try await Self.status(client, before) == .ok)
            let after = try await Self.login(client)
            #expect(try Self.keyID(after) == Self.keyID(before), "the same key after a restart")
            #expect(try await Self.jwksKeyIDs(client) == [try Self.keyID(before)])
        }
        try await AuthServer.buildApplication(try Self.configuration(directory, ["ALGORITHM": "ES256"])).test(.router) { client in
            #expect(try await Self.status(client, before) == .ok)
            let after = try await Self.login(client)
            #expect(try UnverifiedToken(after).header.algorithm == "ES256")
            let jwks = InProcessServiceTests.object(try await client.execute(uri: "/.well-known/jwks.json", method: .get))
            let old = try #require(jwks["keys"]?.arrayValue?.first { $0["kid"]?.stringValue == (try? Self.keyID(before)) })
            #expect(old["alg"]?.stringValue == algorithm)
        }
    }

    @Test func tokensSignedBeforeARotationKeepVerifyingUntilTheyCanNoLongerBeValid() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = SettableClock()
        let configuration = try Self.configuration(directory)
        let before = try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            try await Self.login(client)
        }
        let oldKeyID = try Self.keyID(before)

        let rotated = try KeyDirectory(dataDirectory: directory).rotate(algorithm: .es256)
        let newKeyID = try #require(rotated.keyID)
        #expect(newKeyID != oldKeyID)

        try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            let after = try await Self.login(client)
            #expect(try Self.keyID(after) == newKeyID)
            #expect(try await Self.status(client, before) == .ok)
            #expect(try await Self.status(client, after) == .ok)
            #expect(try await Self.jwksKeyIDs(client) == [oldKeyID, newKeyID])
        }
        // The old key retires when the longest token it signed (refresh: 1 h) has expired.
        let retireAt = try #require(KeyDirectory(dataDirectory: directory).retirement(of: oldKeyID))
        #expect(retireAt == (clock.now + 3601).rounded(.up))

        clock.advance(by: .seconds(3599))
        try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            let keyIDs = try await Self.jwksKeyIDs(client)
            #expect(keyIDs == [oldKeyID, newKeyID])
        }
        clock.advance(by: .seconds(2))
        try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            let keyIDs = try await Self.jwksKeyIDs(client)
            #expect(keyIDs == [newKeyID])
        }
        #expect(!FileManager.default.fileExists(atPath: directory + "/keys/key-\(oldKeyID).pem"))
    }

    @Test func aRunningServicePublishesARotatedKeyAndDropsARetiredOneWithoutRestart() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = SettableClock()
        let configuration = try Self.configuration(directory)
        let first = try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            try await Self.login(client)
        }
        let firstKeyID = try Self.keyID(first)
        let keys = KeyDirectory(dataDirectory: directory)
        _ = try keys.rotate(algorithm: .es256)
        try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            #expect(try await Self.status(client, first) == .ok)
            let third = try #require(try keys.rotate(algorithm: .es256).keyID)
            clock.advance(by: .seconds(1))
            #expect(try await Self.jwksKeyIDs(client).contains(third))

            try keys.retire(firstKeyID)
            clock.advance(by: .seconds(1))
            let refused = try await client.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(first)"])
            #expect(refused.status == .unauthorized)
            #expect(InProcessServiceTests.object(refused)["error"] == "invalid_token")
            #expect(try await !Self.jwksKeyIDs(client).contains(firstKeyID))
        }
    }

    @Test func aRunningServiceSignsWithARotatedKeyWithinASecond() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let clock = SettableClock()
        let configuration = try Self.configuration(directory)
        let keys = KeyDirectory(dataDirectory: directory)
        try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            let before = try await Self.login(client)
            let oldKeyID = try Self.keyID(before)
            let newKeyID = try #require(try keys.rotate(algorithm: .es256).keyID)
            // Within the second since the last look, the service still signs with the old key ...
            #expect(try Self.keyID(try await Self.login(client)) == oldKeyID)
            // ... and from the next look on with the new one, which publishes it too.
            clock.advance(by: .seconds(1))
            let after = try await Self.login(client)
            #expect(try Self.keyID(after) == newKeyID)
            #expect(try await Self.status(client, before) == .ok)
            #expect(try await Self.status(client, after) == .ok)
            #expect(try await Self.jwksKeyIDs(client) == [oldKeyID, newKeyID])
            // The old key retires when the longest token it could still have signed (refresh: 1 h) has expired,
            // counted from when the service stopped signing with it.
            #expect(keys.retirement(of: oldKeyID) == (clock.now + 3601).rounded(.up))

            // A compromised old key retired while running: its tokens are refused within a second.
            try keys.retire(oldKeyID)
            clock.advance(by: .seconds(1))
            #expect(try await Self.status(client, before) == .unauthorized)
            #expect(try await Self.status(client, after) == .ok)
        }
        // After a restart the new key still signs, and the old one is gone.
        try await AuthServer.buildApplication(configuration, clock: clock.clock).test(.router) { client in
            let token = try await Self.login(client)
            #expect(try Self.keyID(token) == keys.currentKeyID)
            #expect(try await Self.jwksKeyIDs(client) == [try #require(keys.currentKeyID)])
        }
    }

    @Test func aChangedKeyFileIsARotation() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let keyFile = directory + "/signing.pem"
        let firstKey = try JWTKey.generate(.es256)
        try Data(try #require(firstKey.pemRepresentation).utf8).write(to: URL(filePath: keyFile))
        let configuration = try Self.configuration(directory, ["KEY_FILE": keyFile])
        let before = try await AuthServer.buildApplication(configuration).test(.router) { client in try await Self.login(client) }
        #expect(try Self.keyID(before) == firstKey.thumbprint)

        let secondKey = try JWTKey.generate(.es256)
        try Data(try #require(secondKey.pemRepresentation).utf8).write(to: URL(filePath: keyFile))
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            let after = try await Self.login(client)
            #expect(try Self.keyID(after) == secondKey.thumbprint)
            #expect(try await Self.status(client, before) == .ok)
            #expect(try await Self.jwksKeyIDs(client) == [firstKey.thumbprint, secondKey.thumbprint])
        }
        // Only public halves are kept for a key file's keys: the private key stays in the file.
        let stored = try String(contentsOfFile: directory + "/keys/key-\(firstKey.thumbprint).pem", encoding: .utf8)
        #expect(try !JWTKey(pem: stored).canSign)
        #expect(stored.hasPrefix("alg: ES256\n-----BEGIN PUBLIC KEY-----"))
    }
}
