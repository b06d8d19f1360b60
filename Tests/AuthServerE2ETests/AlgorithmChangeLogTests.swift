import Foundation
import HTTPTypes
import JWTAuth
import Testing

/// A start whose `JWT_AUTH_ALGORITHM` differs from the current key's rotates the key and says so at info: the
/// previous and the new algorithm and the new `kid`, never key material.
@Suite struct AlgorithmChangeLogTests {
    @Test(.bug(id: 19, "a key rotated at start for a changed ALGORITHM was logged as a first key"))
    func aChangedAlgorithmRotatesTheKeyAndLogsBothAlgorithmsAndTheNewKid() async throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-e2e-alg-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: root) }
        let data = root.appending(path: "data").path
        let before = try await LiveServer.with(["--data-dir", data]) { server in
            _ = try await server.register("una")
            let log = server.log(limit: .max)
            #expect(log.contains("Generated a new ES256 signing key"), "\(log)")
            #expect(!log.contains("JWT_AUTH_ALGORITHM changed"))
            return try await server.login("una")
        }
        let oldKid = try #require(try header(of: before.access).keyID)

        try await LiveServer.with(["--data-dir", data], environment: ["JWT_AUTH_ALGORITHM": "EdDSA"]) { server in
            let after = try await server.login("una")
            #expect(try header(of: after.access).algorithm == "EdDSA")
            let kid = try #require(try header(of: after.access).keyID)
            #expect(kid != oldKid)
            let log = server.log(limit: .max)
            let lines = log.split(separator: "\n").filter { $0.contains("JWT_AUTH_ALGORITHM changed") }
            #expect(lines.count == 1, "\(log)")
            let line = try #require(lines.first)
            #expect(line.contains("info"), "\(line)")
            #expect(line.contains("JWT_AUTH_ALGORITHM changed from ES256 to EdDSA: rotated to a new EdDSA signing key \(kid)"), "\(line)")
            #expect(!log.contains("Generated a new"), "the rotation is not logged as a first key")
            // No key material: no line of a key file's PEM body is in the log.
            let keys = URL(filePath: data).appending(path: "keys")
            for file in try FileManager.default.contentsOfDirectory(atPath: keys.path) where file.hasSuffix(".pem") {
                let text = try String(contentsOf: keys.appending(path: file), encoding: .utf8)
                for keyLine in text.split(separator: "\n") where keyLine.count >= 16 && !keyLine.hasPrefix("-----") {
                    #expect(!log.contains(keyLine), "the log holds a line of \(file)")
                }
            }
            // The previous key still verifies the tokens it signed.
            #expect(try await server.get("/api/protected", token: before.access).status == .ok)
        }

        // A later start with the same algorithm rotates nothing and says nothing of it.
        try await LiveServer.with(["--data-dir", data], environment: ["JWT_AUTH_ALGORITHM": "EdDSA"]) { server in
            let log = server.log(limit: .max)
            #expect(!log.contains("JWT_AUTH_ALGORITHM changed") && !log.contains("Generated a new"), "\(log)")
        }
    }
}
