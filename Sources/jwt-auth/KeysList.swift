import ArgumentParser
import AuthServer
import Foundation
import JWTAuth

/// `jwt-auth keys list`: the keys in the service's key directory, never their material.
struct KeysList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the service's keys: kid, algorithm, current or when it retires."
    )

    @OptionGroup var service: ServiceOptions

    func run() throws {
        let configuration = try service.configuration()
        let contents: KeyDirectory.Contents
        do {
            contents = try KeyDirectory(dataDirectory: configuration.dataDirectory).read(now: Date().timeIntervalSince1970)
        } catch {
            throw CommandFailure.io(error.description)
        }
        let keys: [JSONValue] = contents.keys.map { key in
            let keyID = key.keyID ?? ""
            var entry: [String: JSONValue] = ["kid": .string(keyID), "alg": .string(key.algorithm.name)]
            if keyID == contents.currentKeyID {
                entry["current"] = true
            } else if let retireAt = contents.retirements[keyID] ?? nil {
                entry["retire_at"] = .int(Int64(retireAt))
            } else {
                entry["retire_at"] = .null
            }
            return .object(entry)
        }
        print(PrettyJSON.string(.array(keys)))
    }
}
