import AuthServer
import Foundation
import Hummingbird
import HummingbirdTesting
import JWTAuth
import Testing

/// The service on a real PostgreSQL server (`JWT_AUTH_POSTGRES_URL`, set by scripts/postgres-test-server):
/// two instances built on one database behave as one. Skipped without a server unless
/// `JWT_AUTH_REQUIRE_SERVERS=1`, when they fail saying so.
@Suite(.enabled(if: TestServers.isEnabled(TestServers.postgres), "JWT_AUTH_POSTGRES_URL is not set"))
struct PostgresServiceTests {

    static func instance(secret: String, directory: String) throws -> AuthServerConfiguration {
        try AuthServerConfiguration(settings: [
            "DATA_DIR": directory, "DATABASE_URL": try TestServers.url(TestServers.postgres), "SECRET": secret, "BCRYPT_COST": "4",
            "LOGIN_ATTEMPTS": "0",
        ])
    }

    @Test func twoInstancesOnOneDatabaseBehaveAsOne() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let secret = String(repeating: "k", count: 40)
        let appA = try await AuthServer.buildApplication(try Self.instance(secret: secret, directory: directory))
        let appB = try await AuthServer.buildApplication(try Self.instance(secret: secret, directory: directory))
        let json = InProcessServiceTests.json
        let object = InProcessServiceTests.object
        let name = "pg-\(UInt64.random(in: 0...UInt64.max))"
        let credentials = ByteBuffer(string: #"{"username":"\#(name)","password":"correct horse"}"#)
        try await appA.test(.router) { a in
            try await appB.test(.router) { b in
                // Register on A, log in on B; a second registration of the name on B is a conflict.
                let registered = try await a.execute(uri: "/auth/register", method: .post, headers: json, body: credentials)
                #expect(registered.status == .created)
                let id = try #require(object(registered)["id"]?.stringValue)
                #expect(try await b.execute(uri: "/auth/register", method: .post, headers: json, body: credentials).status == .conflict)
                let login = try await b.execute(uri: "/auth/login", method: .post, headers: json, body: credentials)
                #expect(login.status == .ok)
                let access = try #require(object(login)["access_token"]?.stringValue)
                let refresh = try #require(object(login)["refresh_token"]?.stringValue)
                let onA = try await a.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(access)"])
                #expect(object(onA) == ["user": .string(id)])

                // Concurrent refreshes of one token, spread over both instances: exactly one succeeds.
                let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                    for index in 0..<20 {
                        let client = index % 2 == 0 ? a : b
                        group.addTask {
                            try await client.execute(uri: "/auth/refresh", method: .post, headers: [.authorization: "Bearer \(refresh)"]).status
                        }
                    }
                    return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
                }
                #expect(statuses.filter { $0 == .ok }.count == 1)
                #expect(statuses.allSatisfy { $0 == .ok || $0 == .unauthorized })

                // The losers presented a spent refresh token: reuse detection revoked the session on both.
                let reused = try await a.execute(uri: "/api/protected", method: .get, headers: [.authorization: "Bearer \(access)"])
                #expect(object(reused)["error"] == "token_revoked")

                // A new login on A, logged out on B: A rejects the token at its very next request.
                let second = try await a.execute(uri: "/auth/login", method: .post, headers: json, body: credentials)
                let secondAccess = try #require(object(second)["access_token"]?.stringValue)
                let bearer: HTTPFields = [.authorization: "Bearer \(secondAccess)"]
                #expect(try await a.execute(uri: "/api/protected", method: .get, headers: bearer).status == .ok)
                #expect(try await b.execute(uri: "/auth/logout", method: .post, headers: bearer).status == .noContent)
                let afterLogout = try await a.execute(uri: "/api/protected", method: .get, headers: bearer)
                #expect(object(afterLogout)["error"] == "token_revoked")

                let health = try await b.execute(uri: "/health", method: .get)
                #expect(object(health) == ["status": "ok", "stores": ["database": "ok"]])
            }
        }
    }

}

/// PostgreSQL settings that need no server.
@Suite struct PostgresSettingsTests {
    @Test func aBadPostgresURLNamesTheSettingWithoutThePassword() {
        for url in ["postgres://u:s3cr3tXYZ@h:bad/d", "postgres://u:s3cr3tXYZ@h/d?sslmode=maybe"] {
            #expect {
                _ = try AuthServerConfiguration(settings: ["DATABASE_URL": url])
            } throws: { error in
                let error = error as? ConfigurationError
                return error?.setting == "JWT_AUTH_DATABASE_URL" && error?.description.contains("s3cr3tXYZ") == false
            }
        }
        let configuration = try? AuthServerConfiguration(settings: ["DATABASE_URL": "postgres://u:s3cr3tXYZ@h/d"])
        #expect(configuration?.database == .postgres(url: "postgres://u:s3cr3tXYZ@h/d"))
        #expect(configuration.map { "\($0.database)" } == "postgres://u@h:5432/d?sslmode=prefer")
    }

    @Test func aPostgresURLWithoutAServerStopsStartUpWithoutThePassword() async throws {
        let directory = InProcessServiceTests.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Port 1 on loopback: nothing listens there.
        let configuration = try AuthServerConfiguration(settings: [
            "DATA_DIR": directory, "DATABASE_URL": "postgres://u:s3cr3tXYZ@127.0.0.1:1/db?sslmode=disable", "BCRYPT_COST": "4",
        ])
        do {
            _ = try await AuthServer.buildApplication(configuration)
            Issue.record("the service started without its database")
        } catch let error as ConfigurationError {
            #expect(error.setting == "JWT_AUTH_DATABASE_URL")
            #expect(!error.description.contains("s3cr3tXYZ"))
        }
    }
}
