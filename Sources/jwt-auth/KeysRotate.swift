import ArgumentParser
import AuthServer
import JWTAuth

/// `jwt-auth keys rotate`: makes a new signing key current in the service's key directory.
struct KeysRotate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Make a new signing key current in the service's key directory (DATA_DIR/keys).",
        discussion: """
            A running service publishes the new key in /.well-known/jwks.json at once, and signs with it from \
            its next start. The previous keys keep verifying until every token they signed has expired (the \
            longer token lifetime plus the leeway, counted from that start), then drop out. Prints the new kid.

            Example:
              jwt-auth keys rotate --data-dir ./data && systemctl restart jwt-auth
            """
    )

    @OptionGroup var service: ServiceOptions

    func run() throws {
        let configuration = try service.configuration()
        guard configuration.secret == nil, configuration.keyFile == nil else {
            throw CommandFailure(
                code: "invalid_configuration",
                message: "keys rotate acts on generated keys: with a key file, replace the file instead"
            )
        }
        let directory = KeyDirectory(dataDirectory: configuration.dataDirectory)
        let key: JWTKey
        do {
            key = try directory.rotate(algorithm: configuration.algorithm ?? .es256)
        } catch {
            throw CommandFailure.io("cannot write a new key into \(directory.path)")
        }
        StandardStreams.writeError("Restart the service to sign with the new key.")
        print(key.thumbprint)
    }
}
