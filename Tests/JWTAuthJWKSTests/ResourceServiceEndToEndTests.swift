import AsyncHTTPClient
import Foundation
import JWTAuth
import JWTAuthTestSupport
import JWTAuthTesting
import NIOHTTP1
import Testing

/// `jwt-auth serve` issues, the example resource service verifies through the JWKS URL alone; keys rotate and
/// retire in between. Both run as child processes on loopback.
@Suite(.serialized) struct ResourceServiceEndToEndTests {
    static let audience = "resource-api"

    final class World {
        let root = NSTemporaryDirectory() + "jwt-auth-e2e-\(UUID().uuidString)"
        let port: Int
        var issuer: Service?
        var resource: Service?
        var resourcePort = 0
        /// A 32-byte key file both services encrypt and decrypt with, when set.
        var encryptionKeyFile: String?
        let http = HTTP(client: HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup))

        init() throws {
            port = try Service.freePort()
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        }

        var environment: [String: String] {
            var environment = [
                "JWT_AUTH_DATA_DIR": root + "/data", "JWT_AUTH_PORT": "\(port)", "JWT_AUTH_BCRYPT_COST": "4",
                "JWT_AUTH_AUDIENCE": ResourceServiceEndToEndTests.audience, "JWT_AUTH_LOGIN_ATTEMPTS": "0", "JWT_AUTH_LOG_LEVEL": "warning",
            ]
            environment["JWT_AUTH_ENCRYPTION_KEY"] = encryptionKeyFile
            return environment
        }
        var issuerURL: String { "http://127.0.0.1:\(port)" }
        var resourceURL: String { "http://127.0.0.1:\(resourcePort)" }

        func startIssuer() async throws {
            issuer = try await Service.start("jwt-auth", ["serve"], environment: environment, ready: "listening on")
        }

        func restartIssuer() async throws {
            await issuer?.stop()
            try await startIssuer()
        }

        func startResource() async throws {
            var environment = [
                "JWKS_URL": issuerURL + "/.well-known/jwks.json", "ALLOW_INSECURE_LOOPBACK": "true", "JWKS_COOLDOWN": "0", "JWKS_TIMEOUT": "30",
                "AUDIENCE": ResourceServiceEndToEndTests.audience, "PORT": "0", "LOG_LEVEL": "warning",
            ]
            environment["ENCRYPTION_KEY"] = encryptionKeyFile
            let service = try await Service.start("ResourceService", environment: environment, ready: "listening on")
            resource = service
            let line = try #require(service.output.split(separator: "\n").first { $0.hasPrefix("listening on ") })
            resourcePort = try #require(Int(line.dropFirst("listening on ".count)))
        }

        /// `jwt-auth ARGS` with the service's environment; its trimmed standard output.
        func cli(_ arguments: [String], input: String = "") throws -> String {
            var inherited = ProcessInfo.processInfo.environment
            inherited.merge(environment) { $1 }
            let output = try ChildProcess.run(try Service.executable("jwt-auth"), arguments, input: Array(input.utf8), environment: inherited)
            try #require(output.status == 0, "jwt-auth \(arguments.prefix(2)): \(String(decoding: output.standardError, as: UTF8.self))")
            return String(decoding: output.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func login(_ name: String) async throws -> String {
            let answer = try await http.call(.POST, issuerURL + "/auth/login", json: #"{"username":"\#(name)","password":"correct horse"}"#)
            return try #require(answer.body["access_token"]?.stringValue, "login \(name): \(answer.status)")
        }

        func resourceStatus(_ path: String, _ token: String) async throws -> Int {
            try await http.call(.GET, resourceURL + path, token: token).status
        }

        func shutdown() async {
            await resource?.stop()
            await issuer?.stop()
            try? await http.client.shutdown()
            try? FileManager.default.removeItem(atPath: root)
        }
    }

    static func keyID(_ token: String) throws -> String { try #require(try UnverifiedToken(token).header.keyID) }

    @Test func tokensFromServeAreVerifiedThroughTheJWKSAcrossRotationAndRetirement() async throws {
        let world = try World()
        do {
            try await run(world)
        } catch {
            Issue.record("issuer: \(String(decoding: world.issuer?.running.standardError() ?? [], as: UTF8.self).suffix(2000))")
            await world.shutdown()
            throw error
        }
        await world.shutdown()
    }

    /// With the same `ENCRYPTION_KEY` on both, the issuer's tokens are nested JWTs that the resource service
    /// decrypts and verifies through the JWKS; the signed token inside, on its own, is refused.
    @Test func encryptedTokensFromServeAreAcceptedByTheResourceService() async throws {
        let world = try World()
        do {
            let secret = [UInt8](repeating: 0x42, count: 32)
            let keyFile = world.root + "/encryption.key"
            try Data(secret).write(to: URL(fileURLWithPath: keyFile))
            world.encryptionKeyFile = keyFile
            try await world.startIssuer()
            let registered = try await world.http.call(
                .POST,
                world.issuerURL + "/auth/register",
                json: #"{"username":"carol","password":"correct horse"}"#
            )
            #expect(registered.status == 201)
            let token = try await world.login("carol")
            #expect(try EncryptedToken(token).header.isNested)
            try await world.startResource()
            let data = try await world.http.call(.GET, world.resourceURL + "/api/data", token: token)
            #expect(data.status == 200)
            #expect(data.body["user"] == "1")
            let inner = try JWEDecrypter(key: JWEKey.symmetric(secret)).decrypt(token)
            let plain = String(decoding: inner.plaintext, as: UTF8.self)
            #expect(try await world.resourceStatus("/api/data", plain) == 401)
        } catch {
            Issue.record("issuer: \(String(decoding: world.issuer?.running.standardError() ?? [], as: UTF8.self).suffix(2000))")
            await world.shutdown()
            throw error
        }
        await world.shutdown()
    }

    private func run(_ world: World) async throws {
        _ = try world.cli(["users", "add", "root", "--role", "admin"], input: "correct horse\n")
        try await world.startIssuer()
        let registered = try await world.http.call(.POST, world.issuerURL + "/auth/register", json: #"{"username":"bob","password":"correct horse"}"#)
        #expect(registered.status == 201)
        let bob1 = try await world.login("bob")
        let admin1 = try await world.login("root")
        let firstKeyID = try Self.keyID(bob1)
        try await world.startResource()

        // Accepted with roles enforced.
        let data = try await world.http.call(.GET, world.resourceURL + "/api/data", token: bob1)
        #expect(data.status == 200)
        #expect(data.body["user"] == "2")
        #expect(try await world.resourceStatus("/api/admin", bob1) == 403)
        #expect(try await world.resourceStatus("/api/admin", admin1) == 200)
        #expect(try await world.http.call(.GET, world.resourceURL + "/health").body["status"] == "ok")

        // Forged: the right kid, another key.
        let forger = try JWTKey.generate(.es256).withKeyID(firstKeyID)
        let forged = try TokenIssuer(key: forger, configuration: TokenConfiguration(audience: Self.audience)).accessToken(for: "2").token
        let refusedForged = try await world.http.call(.GET, world.resourceURL + "/api/data", token: forged)
        #expect(refusedForged.status == 401)
        #expect(refusedForged.body["error"] == "invalid_token")

        // Service tokens minted with the issuer's key: scope, audience and expiry enforced.
        let keyFile = world.root + "/data/keys/key-\(firstKeyID).pem"
        func mint(_ extra: [String]) throws -> String {
            try world.cli(
                ["token", "encode", "--key", keyFile, "--kid=\(firstKeyID)", "--sub", "billing", "--jti"] + extra + [#"{"type":"access"}"#]
            )
        }
        let reports = try mint(["--aud", Self.audience, "--scope", "reports:read", "--ttl", "5m"])
        #expect(try await world.resourceStatus("/api/reports", reports) == 200)
        #expect(try await world.resourceStatus("/api/reports", try mint(["--aud", Self.audience, "--ttl", "5m"])) == 403)
        let wrongAudience = try await world.http.call(.GET, world.resourceURL + "/api/data", token: try mint(["--aud", "other", "--ttl", "5m"]))
        #expect(wrongAudience.status == 401)
        let expired = try await world.http.call(
            .GET,
            world.resourceURL + "/api/data",
            token: try mint(["--aud", Self.audience, "--ttl", "60", "--at", "\(Int(Date().timeIntervalSince1970) - 3600)"])
        )
        #expect(expired.body["error"] == "token_expired")

        // Rotation: new tokens carry the new kid and are verified after a refetch; old ones keep working.
        let secondKeyID = try world.cli(["keys", "rotate"])
        try await world.restartIssuer()
        let bob2 = try await world.login("bob")
        #expect(try Self.keyID(bob2) == secondKeyID)
        #expect(try await world.resourceStatus("/api/data", bob2) == 200)
        #expect(try await world.resourceStatus("/api/data", bob1) == 200)

        // PyJWT's PyJWKClient verifies our tokens from our JWKS URL.
        try PyJWKClientCheck.verify(bob2, jwksURL: world.issuerURL + "/.well-known/jwks.json", audience: Self.audience)

        // Retirement: the first key is refused by the issuer at once, and by the resource service once it
        // refetches (here, for the next new kid).
        let thirdKeyID = try world.cli(["keys", "rotate"])
        try await world.restartIssuer()
        _ = try world.cli(["keys", "retire", "--", firstKeyID])  // a kid may start with "-"
        var refusedByIssuer = false
        for _ in 0..<50 where !refusedByIssuer {
            refusedByIssuer = try await world.http.call(.GET, world.issuerURL + "/api/protected", token: bob1).status == 401
            if !refusedByIssuer { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(refusedByIssuer)
        let bob3 = try await world.login("bob")
        #expect(try Self.keyID(bob3) == thirdKeyID)
        #expect(try await world.resourceStatus("/api/data", bob3) == 200)
        #expect(try await world.resourceStatus("/api/data", bob2) == 200)
        let retired = try await world.http.call(.GET, world.resourceURL + "/api/data", token: bob1)
        #expect(retired.status == 401)
        #expect(retired.body["error"] == "invalid_token")

        // The issuer down: the resource service keeps verifying with the keys it has, and stays healthy.
        await world.issuer?.stop()
        world.issuer = nil
        #expect(try await world.resourceStatus("/api/data", bob3) == 200)
        #expect(try await world.resourceStatus("/api/data", forged) == 401)
        let health = try await world.http.call(.GET, world.resourceURL + "/health")
        #expect(health.status == 200)
        #expect(health.body["jwks"]?["keys"] == 2)
    }
}
