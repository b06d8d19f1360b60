import HTTPTypes
import JWTAuth
import Testing

/// Issue 15, item 3: next to `alice`, look-alike names registered as new accounts. Now RFC 8265's username
/// profiles apply: each is refused with 400 naming the rule, or compares equal to `alice` (409).
@Suite struct LookAlikeUsernameTests {
    static let refused: [(name: String, rule: String)] = [
        ("alice\u{200B}", "invisible characters"),
        ("alice\u{200D}", "invisible characters"),
        ("al\u{00AD}ice", "invisible characters"),
        ("\u{202E}nimda", "bidirectional control characters"),
        (" alice", "spaces"),
        ("alice ", "spaces"),
        ("   ", "spaces"),
        ("a\u{2028}b", "line or paragraph separators"),
        ("a" + String(repeating: "\u{0301}", count: 63), "more than 4 combining marks on one character"),
    ]

    @Test(.bug(id: 15, "look-alike usernames"))
    func lookAlikesOfAnExistingNameAreRefusedOrConflict() async throws {
        // Throttling off: the test tries many names from one address.
        try await LiveServer.with(["--login-attempts", "0"]) { server in
            let id = try await server.register("alice")
            for (name, rule) in Self.refused {
                let response = try await server.post("/auth/register", json: LiveServer.credentials(name))
                #expect(response.status == .badRequest, "\(rule): \(response)")
                #expect(response.json["error"] == .string("bad_request"))
                #expect(response.json["msg"]?.stringValue == "username must not contain \(rule)", "\(response)")
            }
            for name in ["ａｌｉｃｅ", "Alice", "ALICE"] {
                let response = try await server.post("/auth/register", json: LiveServer.credentials(name))
                #expect(response.status == .conflict, "\(name): \(response)")
            }
            // `Alice` logs in as alice, who is still shown as registered.
            let tokens = try await server.login("Alice")
            let me = try await server.get("/auth/me", token: tokens.access).json
            #expect(me["id"] == .string(id) && me["username"] == .string("alice"))
            _ = try await server.login("ａｌｉｃｅ")
            let listed = try await server.command(["users", "list"])
            #expect(listed.stdout.split(separator: "\n").count == 1, "\(listed.stdout)")
        }
    }

    @Test(.bug(id: 15, "look-alike usernames"))
    func nameIsStoredAsEnteredAndComparedByItsKey() async throws {
        try await LiveServer.with { server in
            let id = try await server.register("Zoë_Smith")
            let response = try await server.post("/auth/register", json: LiveServer.credentials("ZOË_SMITH"))
            #expect(response.status == .conflict, "\(response)")
            let tokens = try await server.login("zoë_smith")
            #expect(try await server.get("/auth/me", token: tokens.access).json["username"] == .string("Zoë_Smith"))
            #expect(try claims(of: tokens.access).subject == id)
        }
    }
}
