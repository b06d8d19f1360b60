import ArgumentParser
import AuthServer
import JWTAuth

/// `jwt-auth keys retire KID`: deletes a key that is no longer current, so that its tokens are refused.
struct KeysRetire: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retire",
        abstract: "Delete a key from the service's key store at once (a compromised key).",
        discussion: """
            A running service (every instance, with PostgreSQL) refuses the key's tokens within a second and \
            stops publishing it. The current signing key cannot be retired: rotate first, then retire the old key.
            """
    )

    @Argument(help: "The kid of the key (one that starts with '-' goes after '--': keys retire -- -abc).")
    var keyID: String

    @OptionGroup var service: KeyStoreOptions

    func run() async throws {
        let configuration = try service.configuration()
        try await AuthServer.withKeyStore(configuration) { keys in
            do {
                try await keys.retire(keyID)
            } catch let error as JWTAuthError where error.code == .invalidKey {
                throw CommandFailure(code: "invalid_key", message: error.message)
            } catch {
                throw CommandFailure.io("cannot retire \(keyID) in \(keys.location)")
            }
        }
        StandardStreams.writeError("Retired \(keyID).")
    }
}
