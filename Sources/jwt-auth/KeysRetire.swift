import ArgumentParser
import AuthServer

/// `jwt-auth keys retire KID`: deletes a key that is no longer current, so that its tokens are refused.
struct KeysRetire: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Delete a key from the service's key directory at once (a compromised key).",
        discussion: """
            A running service refuses the key's tokens within a second and stops publishing it. The current \
            signing key cannot be retired: rotate, restart the service, then retire the old key.
            """
    )

    @Argument(help: "The kid of the key (one that starts with '-' goes after '--': keys retire -- -abc).")
    var keyID: String

    @OptionGroup var service: ServiceOptions

    func run() throws {
        let configuration = try service.configuration()
        do {
            try KeyDirectory(dataDirectory: configuration.dataDirectory).retire(keyID)
        } catch {
            throw CommandFailure(code: "invalid_key", message: error.description)
        }
        StandardStreams.writeError("Retired \(keyID).")
    }
}
