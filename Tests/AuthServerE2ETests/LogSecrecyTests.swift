import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// The live server at its most verbose log level, driven through successes and every kind of refusal of
/// the JSON API: its whole log holds no token, no password, and no part of a token's signature.
@Suite struct LogSecrecyTests {
    /// Expects `result` to be `status` with the error code `error`.
    func expect(_ result: HTTPResult, _ status: HTTPResponse.Status, _ error: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == status, "\(result)", sourceLocation: sourceLocation)
        #expect(result.error == error, "\(result)", sourceLocation: sourceLocation)
    }

    @Test func theTraceLogHoldsNoTokenAndNoPassword() async throws {
        let password = "a password only this test knows 7e1f"
        try await LiveServer.with(["--log-level", "trace"]) { server in
            _ = try await server.register("logan", password: password)
            expect(
                try await server.post("/auth/login", json: LiveServer.credentials("logan", "wrong " + password)),
                .unauthorized,
                "invalid_credentials"
            )
            expect(try await server.post("/auth/login", json: LiveServer.credentials("nobody", password)), .unauthorized, "invalid_credentials")
            let login = try await server.login("logan", password: password)
            let forged = String(login.access.dropLast(4)) + "AAAA"
            expect(try await server.get("/api/protected", token: forged), .unauthorized, "invalid_token")
            expect(try await server.get("/api/protected", token: login.refresh), .unauthorized, "wrong_token_type")
            let rotated = try await server.refresh(login.refresh)
            expect(try await server.post("/auth/refresh", token: login.refresh), .unauthorized, "token_revoked")
            expect(try await server.get("/api/protected", token: rotated.access), .unauthorized, "token_revoked")
            let again = try await server.login("logan", password: password)
            let change: JSONValue = ["new_password": "another secret 9b2c!"]
            #expect(try await server.send(.put, "/auth/password", json: change, token: again.access).status == .noContent)
            // The change happened: it ended every session, the old password fails and the new one works.
            expect(try await server.get("/api/protected", token: again.access), .unauthorized, "token_revoked")
            expect(try await server.post("/auth/login", json: LiveServer.credentials("logan", password)), .unauthorized, "invalid_credentials")
            let changed = try await server.login("logan", password: "another secret 9b2c!")
            #expect(try await server.post("/auth/logout", token: changed.access).status == .noContent)
            expect(try await server.get("/api/protected", token: changed.access), .unauthorized, "token_revoked")

            let log = server.log(limit: .max)
            // The log is the server's and it is verbose: each refusal and the reuse left a line.
            #expect(log.contains("Login failed") && log.contains("jwt.error=invalid_token") && log.contains("Refresh token reuse"))
            #expect(log.contains("trace jwt-auth"))
            for secret in [
                password, "another secret 9b2c!", login.access, login.refresh, rotated.access, rotated.refresh, forged, again.access,
                changed.access, changed.refresh,
            ] {
                #expect(!log.contains(secret), "a secret is in the log")
            }
            for token in [login.access, login.refresh, again.access, changed.access] {
                let signature = try #require(token.split(separator: ".").last)
                #expect(!log.contains(signature), "a signature is in the log")
            }
        }
    }

    /// A Redis blocklist that refuses connections (port 1): protected routes are 503, `/health` names the
    /// blocklist, and the password in its URL appears in no answer and no log line.
    @Test func aRedisPasswordStaysOutOfTheLogAndTheAnswersWhileRedisIsDown() async throws {
        let password = "redis-password-only-this-test-knows"
        let environment = ["JWT_AUTH_BLOCKLIST_URL": "redis://:\(password)@127.0.0.1:1/0"]
        try await LiveServer.with(["--log-level", "trace"], environment: environment) { server in
            let id = try await server.register("rita")
            #expect(!id.isEmpty)
            let login = try await server.post("/auth/login", json: LiveServer.credentials("rita"))
            let health = try await server.get("/health")
            #expect(health.status == .serviceUnavailable)
            #expect(health.text.contains("blocklist"))
            var answers = health.text
            if let access = login.json["access_token"]?.stringValue {
                let protected = try await server.get("/api/protected", token: access)
                #expect(protected.status == .serviceUnavailable)
                #expect(protected.error == "unavailable")
                answers += protected.text
            } else {
                #expect(login.status == .serviceUnavailable)
            }
            #expect(!answers.contains(password))
            #expect(!server.log(limit: .max).contains(password), "the Redis password is in the log")
        }
    }

    /// A PostgreSQL server that cannot be reached: `serve` stops with one clear line, exit code non-zero,
    /// and the password in the URL is in neither output.
    @Test func aPostgresPasswordStaysOutOfTheStartUpError() async throws {
        let password = "pg-password-only-this-test-knows"
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CommandResult.run(
            ["serve", "--port", "0", "--log-level", "trace"],
            directory: directory,
            environment: ["JWT_AUTH_DATABASE_URL": "postgres://jwtauth:\(password)@127.0.0.1:1/jwtauth?sslmode=disable"]
        )
        #expect(!result.exit.isSignal && result.exit.status != 0, "\(result.exit)")
        #expect(!result.stderr.isEmpty)
        #expect(!(result.stdout + result.stderr).contains(password), "the PostgreSQL password is printed")
    }
}
