import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// `JWT_AUTH_LOG_FORMAT=json` and `JWT_AUTH_ACCESS_LOG` on the live server: every line it prints, the
/// start-up banner included, is one JSON object; the access log names each request without its query; the
/// first start says where the data lives and which key it generated; no line holds a token or password.
@Suite struct LogFormatTests {
    /// Every non-empty line of `log`, parsed; a line that is not a JSON object is recorded as an issue.
    func entries(_ log: String, sourceLocation: SourceLocation = #_sourceLocation) -> [[String: JSONValue]] {
        log.split(separator: "\n").compactMap { line in
            guard let entry = try? JSONParser().parseObject(Array(line.utf8)) else {
                Issue.record("not a JSON object: \(line.prefix(200))", sourceLocation: sourceLocation)
                return nil
            }
            return entry
        }
    }

    @Test func theJSONLogIsOneObjectPerLineWithAccessLinesAndNoSecrets() async throws {
        let password = "a json log password 4c1d"
        let environment = ["JWT_AUTH_LOG_FORMAT": "json", "JWT_AUTH_ACCESS_LOG": "true"]
        try await LiveServer.with(["--log-level", "trace"], environment: environment) { server in
            _ = try await server.register("jason", password: password)
            #expect(try await server.post("/auth/login", json: LiveServer.credentials("jason", "wrong")).status == .unauthorized)
            let login = try await server.login("jason", password: password)
            let forged = String(login.access.dropLast(4)) + "AAAA"
            #expect(try await server.get("/api/protected", token: forged).status == .unauthorized)
            let rotated = try await server.refresh(login.refresh)
            #expect(try await server.post("/auth/refresh", token: login.refresh).status == .unauthorized)
            // The reuse ended the family: a new login, its token also in the query, which the log never shows.
            let again = try await server.login("jason", password: password)
            #expect(try await server.get("/api/protected?access_token=\(again.access)&x=1", token: again.access).status == .ok)
            let kid = try #require(header(of: again.access).keyID)

            let log = server.log(limit: .max)
            let entries = entries(log)
            #expect(entries.count > 10)
            for entry in entries {
                #expect(entry["time"]?.stringValue?.hasSuffix("Z") == true, "\(entry)")
                #expect(entry["level"]?.stringValue != nil && entry["label"]?.stringValue != nil && entry["message"]?.stringValue != nil)
            }
            // The banner, a JSON entry on standard output.
            #expect(entries.contains { $0["message"]?.stringValue == "jwt-auth listening on http://127.0.0.1:\(server.port)" })
            // The first start: where the database is, and the generated key's kid.
            let started = entries.compactMap { $0["message"]?.stringValue }
            #expect(started.contains { $0.hasPrefix("Created the database /") && $0.hasSuffix("/data/auth.sqlite") }, "\(started.prefix(5))")
            #expect(entries.contains { $0["metadata"]?["kid"]?.stringValue == kid && $0["metadata"]?["alg"] == "ES256" })

            // One access line per request, with the path less its query, the status, the request id and the client.
            let access = entries.filter { $0["metadata"]?["http.path"] != nil }
            let protected = access.filter { $0["metadata"]?["http.path"] == "/api/protected" }
            #expect(protected.count == 2)
            for entry in protected {
                let metadata = try #require(entry["metadata"])
                #expect(metadata["http.method"] == "GET")
                #expect(metadata["client"] == "127.0.0.1")
                #expect(metadata["duration_ms"]?.stringValue.flatMap(Double.init) != nil)
                #expect(entry["request_id"]?.stringValue?.isEmpty == false)
                #expect(entry["level"] == "info")
            }
            #expect(Set(protected.compactMap { $0["metadata"]?["http.status"]?.stringValue }) == ["401", "200"])
            #expect(Set(access.compactMap { $0["request_id"]?.stringValue }).count == access.count, "request ids repeat")
            #expect(access.contains { $0["metadata"]?["http.path"] == "/auth/refresh" && $0["metadata"]?["http.status"] == "401" })
            // A line logged inside a request carries that request's id.
            let failedLogin = try #require(entries.first { $0["message"]?.stringValue?.contains("Login failed") == true })
            #expect(failedLogin["request_id"]?.stringValue?.isEmpty == false)

            for secret in [password, login.access, login.refresh, rotated.access, rotated.refresh, forged, again.access, again.refresh] {
                #expect(!log.contains(secret), "a secret is in the log")
            }
            for token in [login.access, login.refresh, rotated.access, again.access] {
                let signature = try #require(token.split(separator: ".").last)
                #expect(!log.contains(signature), "a signature is in the log")
            }
        }
    }

    /// By default the log is text and there is no access log; a later start generates no key and makes no
    /// database, so it does not say so again.
    @Test func theAccessLogIsOffByDefaultAndTheFirstStartLinesComeOnce() async throws {
        try await LiveServer.with { server in
            #expect(try await server.get("/livez").status == .ok)
            #expect(try await server.get("/nowhere?secret=1").status == .notFound)
            let first = server.log(limit: .max)
            #expect(first.contains("jwt-auth listening on http://127.0.0.1:"))
            #expect(first.contains("Created the database") && first.contains("Generated a new ES256 signing key"))
            #expect(!first.contains("/livez") && !first.contains("/nowhere"))
            await server.terminate()
            try await server.restart()
            let second = server.log(limit: .max)
            #expect(!second.contains("Created the database") && !second.contains("Generated a new"))
        }
    }

    @Test func anUnknownFormatIsAUsageError() async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-log-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CommandResult.run(["serve", "--port", "0"], directory: directory, environment: ["JWT_AUTH_LOG_FORMAT": "yaml"])
        #expect(result.exit.status == 2)
        #expect(result.stderr.contains("JWT_AUTH_LOG_FORMAT: expected text or json"))
    }
}
