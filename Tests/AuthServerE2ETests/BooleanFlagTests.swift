import Foundation
import HTTPTypes
import Testing

/// Boolean settings are flags on the real binary: `--web`/`--no-web`, `--allow-weak-secret`,
/// `--cookie-secure`, `--access-log`, each with its `--no-` form and no value; `JWT_AUTH_WEB=false` still
/// works, and a flag wins over it.
@Suite struct BooleanFlagTests {
    @Test func noWebTurnsTheWebSiteOffAndWebTurnsItBackOn() async throws {
        try await LiveServer.with(["--no-web"]) { (server: LiveServer) async throws in
            #expect(try await server.get("/login").status == .notFound)
            #expect(try await server.get("/livez").status == .ok)
        }
        try await LiveServer.with(environment: ["JWT_AUTH_WEB": "false"]) { (server: LiveServer) async throws in
            #expect(try await server.get("/login").status == .notFound)
        }
        try await LiveServer.with(["--web"], environment: ["JWT_AUTH_WEB": "false"]) { (server: LiveServer) async throws in
            #expect(try await server.get("/login").status == .ok, "the flag wins over the variable")
        }
    }

    @Test func allowWeakSecretIsAFlag() async throws {
        try await LiveServer.with(["--allow-weak-secret"], environment: ["JWT_AUTH_SECRET": "short secret"]) { (server: LiveServer) async throws in
            _ = try await server.register("wes")
            _ = try await server.login("wes")
        }
    }

    @Test(arguments: [
        (["--web", "false"], "'false'"),
        (["--allow-weak-secret", "true"], "'true'"),
        (["--cookie-secure=true"], "--cookie-secure"),
        (["--access-log", "yes"], "'yes'"),
    ])
    func aValueAfterABooleanFlagIsAUsageError(arguments: [String], named: String) async throws {
        let directory = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-flag-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await CommandResult.run(["serve", "--port", "0"] + arguments, directory: directory)
        #expect(result.exit.status == 2, "\(result.exit)")
        #expect(result.stderr.hasPrefix("Error: "), "\(result.stderr)")
        #expect(result.stderr.contains(named), "\(result.stderr)")
        let made = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        #expect(made.isEmpty, "a usage error made data")
    }

    @Test func theHelpShowsBothForms() async throws {
        let directory = FileManager.default.temporaryDirectory
        let result = try await CommandResult.run(["serve", "--help"], directory: directory)
        #expect(result.stdout.contains("--web/--no-web"))
        #expect(result.stdout.contains("--allow-weak-secret/--no-allow-weak-secret"))
        #expect(result.stdout.contains("--access-log/--no-access-log"))
    }
}
