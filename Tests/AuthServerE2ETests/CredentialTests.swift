import Foundation
import HTTPTypes
import Hummingbird
import JWTAuth
import Testing

/// Usernames, passwords and login failures as an attacker would try them.
@Suite struct CredentialTests {
    @Test func sqlMetacharactersAreJustCharacters() async throws {
        // Throttling off: this test fails a login for each name from one address on purpose.
        try await LiveServer.with(["--login-attempts", "0"]) { server in
            // No spaces: RFC 8265 usernames have none, which leaves every SQL metacharacter.
            let names = [
                "robert');DROP_TABLE_users;--", "'OR'1'='1", #"x"OR""="""#, "%", "_", "a;b", "\\", "*/--", "?1", "$1",
            ]
            var ids: [String: String] = [:]
            for name in names {
                ids[name] = try await server.register(name, password: "password of \(name)")
            }
            #expect(Set(ids.values).count == names.count)
            for name in names {
                let tokens = try await server.login(name, password: "password of \(name)")
                #expect(try await server.get("/auth/me", token: tokens.access).json["username"] == .string(name))
                // Another user's password never matches, wildcards or not.
                let other = try await server.post("/auth/login", json: LiveServer.credentials(name, "password of %"))
                #expect(name == "%" || other.status == .unauthorized)
            }
            let unknown = try await server.post("/auth/login", json: LiveServer.credentials("' OR 1=1 --", "password of %"))
            #expect(unknown.status == .unauthorized)
            let list = try await server.command(["users", "list"])
            #expect(list.stdout.split(separator: "\n").count == names.count)
        }
    }

    @Test func usernamesAreNFCNormalised() async throws {
        // Throttling off: this test tries wrong names on purpose.
        try await LiveServer.with(["--login-attempts", "0"]) { server in
            let decomposed = "Ame\u{301}lie"
            let composed = "Am\u{E9}lie"
            let registered = try await server.post("/auth/register", json: LiveServer.credentials(decomposed))
            #expect(registered.status == .created)
            #expect(Array(registered.json["username"]?.stringValue?.unicodeScalars ?? "".unicodeScalars) == Array(composed.unicodeScalars))
            // Both spellings are the same user.
            let tokens = try await server.login(composed)
            _ = try await server.login(decomposed)
            #expect(try await server.post("/auth/register", json: LiveServer.credentials(composed)).status == .conflict)
            let me = try await server.get("/auth/me", token: tokens.access)
            #expect(Array(me.json["username"]?.stringValue?.unicodeScalars ?? "".unicodeScalars) == Array(composed.unicodeScalars))

            for name in ["用户名", "Zoë", "Ελένη"] {
                try await server.register(name)
                #expect(try await server.get("/auth/me", token: try await server.login(name).access).json["username"] == .string(name))
            }
            // RFC 8265's IdentifierClass: no spaces, symbols outside ASCII, or compatibility characters.
            for name in ["👩‍💻 dev", "👩‍💻", "Ⅻ", "ﬁ"] {
                #expect(try await server.post("/auth/register", json: LiveServer.credentials(name)).status == .badRequest, "\(name)")
            }

            // 64 characters after NFC are allowed even when sent as 128 code points; 65 are not.
            try await server.register(String(repeating: "e\u{301}", count: 64))
            #expect(try await server.post("/auth/register", json: LiveServer.credentials(String(repeating: "é", count: 65))).status == .badRequest)
            // One base letter with many combining marks is many characters, not one.
            let stacked = "a" + String(repeating: "\u{301}", count: 200)
            #expect(try await server.post("/auth/register", json: LiveServer.credentials(stacked)).status == .badRequest)
            for name in ["", "tab\tname", "bell\u{7}", "line\nbreak", "nul\u{0}", "del\u{7F}", "c1\u{85}"] {
                let response = try await server.post("/auth/register", json: LiveServer.credentials(name))
                #expect(response.status == .badRequest, "\(Array(name.unicodeScalars))")
                #expect(response.error == "bad_request")
            }
        }
    }

    /// An unknown user and a wrong password look the same: status, headers, body, and the work done, one
    /// bcrypt verification each (counted in `/metrics`, so that a busy machine cannot fail the test as a
    /// wall-clock bound did; the dummy hash an unknown user is checked against has the configured cost).
    @Test func unknownUserAndWrongPasswordAreIndistinguishable() async throws {
        try await LiveServer.with(["--login-attempts", "0"]) { server in
            try await server.register("ursula")
            _ = try await server.login("ursula")
            var unknown: HTTPResult?
            var wrong: HTTPResult?
            for round in 0..<5 {
                for username in round % 2 == 0 ? ["nobody-\(round)", "ursula"] : ["ursula", "nobody-\(round)"] {
                    let before = try await AbuseTests.bcryptRuns(server)
                    let response = try await server.post("/auth/login", json: LiveServer.credentials(username, "not the password"))
                    #expect(try await AbuseTests.bcryptRuns(server) == before + 1, "\(username): not one bcrypt verification")
                    if username == "ursula" { wrong = response } else { unknown = response }
                }
            }
            let unknownResponse = try #require(unknown)
            let wrongResponse = try #require(wrong)
            #expect(unknownResponse.status == .unauthorized)
            #expect(unknownResponse.status == wrongResponse.status)
            #expect(unknownResponse.body == wrongResponse.body)
            #expect(unknownResponse.json == ["error": "invalid_credentials", "msg": "Bad username or password"])
            #expect(unknownResponse.headers[.wwwAuthenticate] == wrongResponse.headers[.wwwAuthenticate])
            #expect(unknownResponse.headers[.contentType] == wrongResponse.headers[.contentType])
        }
    }

    @Test func repeatedFailuresAreThrottledWithRetryAfter() async throws {
        try await LiveServer.with(["--login-attempts", "3"]) { server in
            try await server.register("victor")
            for _ in 0..<3 {
                let failed = try await server.post("/auth/login", json: LiveServer.credentials("victor", "wrong password"))
                #expect(failed.status == .unauthorized)
            }
            // Now even the right password waits, on login and fresh-login alike.
            for path in ["/auth/login", "/auth/fresh-login"] {
                let throttled = try await server.post(path, json: LiveServer.credentials("victor"))
                #expect(throttled.status == .tooManyRequests)
                #expect(throttled.error == "rate_limited")
                let retryAfter = try #require(throttled.headers[.retryAfter].flatMap { Int($0) }, "Retry-After: \(throttled.headers)")
                #expect((1...900).contains(retryAfter))
                #expect(throttled.json["access_token"] == nil)
            }
        }
    }

    /// Guessing one password across many usernames is throttled by the client's address: after three
    /// failures from 127.0.0.1, each for a different name, even a never-tried user with the right password
    /// waits.
    @Test func failuresAcrossUsernamesAreThrottledByAddress() async throws {
        try await LiveServer.with(["--login-attempts", "3"]) { server in
            try await server.register("wendy")
            for name in ["xavier", "yolanda", "zeke"] {
                let failed = try await server.post("/auth/login", json: LiveServer.credentials(name, "spring2026!"))
                #expect(failed.status == .unauthorized)
            }
            let throttled = try await server.post("/auth/login", json: LiveServer.credentials("wendy"))
            #expect(throttled.status == .tooManyRequests)
            #expect(throttled.error == "rate_limited")
            #expect(throttled.headers[.retryAfter].flatMap { Int($0) }.map { (1...900).contains($0) } == true)
        }
    }
}
