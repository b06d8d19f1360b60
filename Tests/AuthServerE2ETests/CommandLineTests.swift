import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// `jwt-auth serve` start-up failures and the `users` commands beside a running server.
@Suite struct CommandLineTests {
    @Test(
        arguments: [
            (["--port", "70000"], [:], "JWT_AUTH_PORT"),
            ([], ["JWT_AUTH_ACCESS_TTL": "soon"], "JWT_AUTH_ACCESS_TTL"),
            (["--bcrypt-cost", "3"], [:], "JWT_AUTH_BCRYPT_COST"),
            ([], ["JWT_AUTH_SECRET": "sh0rt-s3cret"], "JWT_AUTH_SECRET"),
            (["--login-attempts", "many"], [:], "JWT_AUTH_LOGIN_ATTEMPTS"),
            (["--token-location", "headers,pigeon"], [:], "JWT_AUTH_TOKEN_LOCATION"),
            (["--registration", "maybe"], [:], "JWT_AUTH_REGISTRATION"),
            (["--log-level", "loud"], [:], "JWT_AUTH_LOG_LEVEL"),
            (["--database-url", "mysql://localhost/auth"], [:], "JWT_AUTH_DATABASE_URL"),
            (["--algorithm", "none"], [:], "JWT_AUTH_ALGORITHM"),
            (["--key-file", "missing.pem"], [:], "JWT_AUTH_KEY_FILE"),
            // The flag wins over the environment.
            (["--refresh-ttl", "0"], ["JWT_AUTH_REFRESH_TTL": "7d"], "JWT_AUTH_REFRESH_TTL"),
        ] as [([String], [String: String], String)]
    )
    func aBadSettingExitsWith2AndOneLineNamingIt(arguments: [String], environment: [String: String], setting: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-setting-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CommandResult.run(["serve", "--port", "0"] + arguments, directory: directory, environment: environment)
        #expect(result.exit == LiveServer.Exit(status: 2, isSignal: false))
        let lines = result.stderr.split(separator: "\n", omittingEmptySubsequences: true)
        #expect(lines.count == 1, "\(result.stderr)")
        #expect(lines.first?.contains(setting) == true, "\(result.stderr)")
        #expect(!result.stdout.contains("listening"))
        #expect(!result.stderr.contains("sh0rt-s3cret"), "a secret must never be echoed")
    }

    @Test func usersListNeverPrintsHashes() async throws {
        try await LiveServer.with { server in
            try await server.register("walter")
            try await server.register("xena")
            let added = try await server.command(["users", "add", "yuri", "--role", "admin", "--role", "ops"], input: LiveServer.password)
            #expect(added.exit.status == 0, "\(added.stderr)")
            #expect(!added.stdout.contains("$2"))

            let list = try await server.command(["users", "list"])
            #expect(list.exit.status == 0, "\(list.stderr)")
            #expect(!list.stdout.contains("$2"), "a bcrypt hash was printed")
            #expect(!list.stdout.lowercased().contains("hash"))
            #expect(!list.stdout.contains(LiveServer.password))
            let users = try list.stdout.split(separator: "\n").map { try JSONParser().parseObject(Array($0.utf8)) }
            #expect(users.map { $0["username"] } == ["walter", "xena", "yuri"])
            #expect(users.allSatisfy { Set($0.keys) == ["id", "username", "roles", "disabled"] })
            #expect(users.last?["roles"] == ["admin", "ops"])
            // The user added on the command line logs in to the running server.
            _ = try await server.login("yuri")
        }
    }

    @Test func aDisabledUserCannotLogInOrRefreshUntilEnabled() async throws {
        try await LiveServer.with { server in
            try await server.register("zara")
            let tokens = try await server.login("zara")
            let disabled = try await server.command(["users", "disable", "zara"])
            #expect(disabled.exit.status == 0, "\(disabled.stderr)")
            #expect(disabled.stdout.contains(#""disabled":true"#))

            let login = try await server.post("/auth/login", json: LiveServer.credentials("zara"))
            #expect(login.status == .forbidden)
            #expect(login.json == ["error": "forbidden", "msg": "The account is disabled"])
            #expect(login.headers[.wwwAuthenticate] == nil)
            let fresh = try await server.post("/auth/fresh-login", json: LiveServer.credentials("zara"))
            #expect(fresh.status == .forbidden)
            // Disabling ended the session: its refresh token is revoked (the server reads what the command
            // wrote within a second).
            try await DisabledUserTests.waitUntilRevoked(server, tokens.access)
            let refresh = try await server.post("/auth/refresh", token: tokens.refresh)
            #expect(refresh.status == .unauthorized)
            #expect(refresh.error == "token_revoked")
            // The wrong password is still just a wrong password: it does not reveal the account's state.
            let wrong = try await server.post("/auth/login", json: LiveServer.credentials("zara", "not the password"))
            #expect(wrong.error == "invalid_credentials")

            let unknown = try await server.command(["users", "disable", "nobody"])
            #expect(unknown.exit.status == 1)
            #expect(unknown.stderr.hasPrefix("not_found:"))

            #expect(try await server.command(["users", "enable", "zara"]).exit.status == 0)
            _ = try await server.login("zara")
        }
    }
}
