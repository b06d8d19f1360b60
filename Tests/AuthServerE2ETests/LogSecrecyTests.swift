import HTTPTypes
import JWTAuth
import Testing

/// The live server at its most verbose log level, driven through successes and every kind of refusal of
/// the JSON API: its whole log holds no token, no password, and no part of a token's signature.
@Suite struct LogSecrecyTests {
    @Test func theTraceLogHoldsNoTokenAndNoPassword() async throws {
        let password = "a password only this test knows 7e1f"
        try await LiveServer.with(["--log-level", "trace"]) { server in
            _ = try await server.register("logan", password: password)
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("logan", "wrong " + password)).status == .unauthorized)
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("nobody", password)).status == .unauthorized)
            let login = try await server.login("logan", password: password)
            let forged = String(login.access.dropLast(4)) + "AAAA"
            #expect(try await server.get("/api/protected", token: forged).status == .unauthorized)
            #expect(try await server.get("/api/protected", token: login.refresh).error == "wrong_token_type")
            let rotated = try await server.refresh(login.refresh)
            #expect(try await server.post("/auth/refresh", token: login.refresh).error == "token_revoked")
            #expect(try await server.get("/api/protected", token: rotated.access).error == "token_revoked")
            let again = try await server.login("logan", password: password)
            let change: JSONValue = ["old_password": .string(password), "new_password": "another secret 9b2c!"]
            _ = try await server.post("/auth/password", json: change, token: again.access)
            #expect(try await server.post("/auth/logout", token: again.access).status.code < 500)

            let log = server.log(limit: .max)
            // The log is the server's and it is verbose: each refusal and the reuse left a line.
            #expect(log.contains("Login failed") && log.contains("jwt.error=invalid_token") && log.contains("Refresh token reuse"))
            #expect(log.contains("trace jwt-auth"))
            for secret in [password, "another secret 9b2c!", login.access, login.refresh, rotated.access, rotated.refresh, forged, again.access] {
                #expect(!log.contains(secret), "a secret is in the log")
            }
            for token in [login.access, login.refresh, again.access] {
                let signature = try #require(token.split(separator: ".").last)
                #expect(!log.contains(signature), "a signature is in the log")
            }
        }
    }
}
