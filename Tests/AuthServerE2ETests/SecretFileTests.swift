import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// Secrets from files (the container-secrets convention) on the live server: `JWT_AUTH_<NAME>_FILE` names
/// a file whose text, one trailing line break removed, is the setting's value.
@Suite struct SecretFileTests {
    /// A directory of the test's own holding `files` (name to content); removed after `body`.
    static func withFiles<T>(_ files: [String: String], _ body: (URL) async throws -> T) async throws -> T {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-secrets-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (name, content) in files { try Data(content.utf8).write(to: directory.appending(path: name)) }
        return try await body(directory)
    }

    @Test func theServiceSignsWithTheSecretOfItsFileLessTheTrailingLineBreak() async throws {
        let secret = "a secret from a file, at least thirty-two bytes"
        try await Self.withFiles(["secret": secret + "\n"]) { directory in
            let environment = ["JWT_AUTH_SECRET_FILE": directory.appending(path: "secret").path]
            try await LiveServer.with(environment: environment) { server in
                try await server.register("frieda")
                let tokens = try await server.login("frieda")
                let verifier = try TokenVerifier(keys: JWTKeySet([try JWTKey.hmac(secret: secret)]))
                #expect(try await verifier.verify(tokens.access).subject != nil)
                let withLineBreak = try TokenVerifier(keys: JWTKeySet([try JWTKey.hmac(secret: secret + "\n")]))
                await #expect(throws: JWTAuthError.self) { try await withLineBreak.verify(tokens.access) }
            }
        }
    }

    @Test func theDatabaseBlocklistAndIntrospectionClientsComeFromTheirFiles() async throws {
        let files = [
            "database": "sqlite:elsewhere.sqlite\n",
            "blocklist": "redis://127.0.0.1:1\n",
            "clients": "gateway:an introspection secret\n",
        ]
        try await Self.withFiles(files) { directory in
            let environment = [
                "JWT_AUTH_DATABASE_URL_FILE": directory.appending(path: "database").path,
                "JWT_AUTH_BLOCKLIST_URL_FILE": directory.appending(path: "blocklist").path,
                "JWT_AUTH_INTROSPECTION_CLIENTS_FILE": directory.appending(path: "clients").path,
            ]
            try await LiveServer.with(environment: environment) { server in
                // The Redis of the blocklist file is unreachable: /readyz names it.
                let ready = try await server.get("/readyz")
                #expect(ready.json["stores"] == ["database": "ok", "blocklist": "down"])
                #expect(FileManager.default.fileExists(atPath: server.directory.appending(path: "elsewhere.sqlite").path))
                // The introspection client of the clients file is known: a token it cannot name is inactive (200),
                // where an unknown client gets 401.
                func introspect(_ client: String) async throws -> HTTPResult {
                    try await server.request(
                        .post,
                        "/auth/introspect",
                        headers: [
                            .authorization: "Basic \(Data(client.utf8).base64EncodedString())",
                            .contentType: "application/x-www-form-urlencoded",
                        ],
                        body: Array("token=not.a.token".utf8)
                    )
                }
                let known = try await introspect("gateway:an introspection secret")
                #expect(known.status == .ok)
                #expect(known.json == ["active": false])
                #expect(try await introspect("gateway:not the secret of it").status == .unauthorized)
            }
        }
    }
}
