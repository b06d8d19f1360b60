import ArgumentParser
import AuthServer
import Foundation
import JWTAuth

/// `jwt-auth keys list`: the keys in the service's key directory (or its PostgreSQL database), never their material.
struct KeysList: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the service's keys (DATA_DIR/keys, or the PostgreSQL database): kid, algorithm, current or when it retires.",
        discussion: "A table on a terminal; one JSON object per line otherwise, or with --json. retire_at is an RFC 3339 time."
    )

    @OptionGroup var service: KeyStoreOptions
    @OptionGroup var output: ListOutputOptions

    func run() async throws {
        let configuration = try service.configuration()
        try ExistingData.requireKeyDirectory(configuration)
        let contents = try await AuthServer.withKeyStore(configuration) { store in
            do {
                return try await store.read(now: Date().timeIntervalSince1970)
            } catch let error as JWTAuthError where error.code == .invalidKey {
                throw CommandFailure.io(error.message)
            } catch {
                throw CommandFailure.io("cannot read the keys in \(store.location)")
            }
        }
        let keys: [[String: JSONValue]] = contents.keys.map { key in
            let keyID = key.keyID ?? ""
            var entry: [String: JSONValue] = ["kid": .string(keyID), "alg": .string(key.algorithm.name), "current": .bool(false)]
            if keyID == contents.currentKeyID {
                entry["current"] = true
            } else if let retireAt = contents.retirements[keyID] ?? nil {
                entry["retire_at"] = .string(Date(timeIntervalSince1970: retireAt.rounded(.down)).rfc3339)
            } else {
                entry["retire_at"] = .null
            }
            return entry
        }
        output.print(keys, columns: ["kid", "alg", "current", "retire_at"])
    }
}
