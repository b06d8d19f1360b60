import ArgumentParser
import AuthServer
import JWTAuth

/// `jwt-auth keys rotate`: makes a new signing key current in the service's key store.
struct KeysRotate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rotate",
        abstract: "Make a new signing key current in the service's key store (DATA_DIR/keys, or the PostgreSQL database).",
        discussion: """
            A running service (every instance, with PostgreSQL) publishes the new key in /.well-known/jwks.json \
            and signs with it within a second, without a restart. The previous keys keep verifying until every \
            token they signed has expired (the longer token lifetime plus the leeway, counted from when the \
            service stopped signing with them), then drop out. Prints the new kid.

            With JWT_AUTH_DATABASE_URL=postgres://… the keys, private keys included, live in the database: \
            restrict access to it as to the keys themselves.

            Example:
              jwt-auth keys rotate --data-dir ./data
            """
    )

    @OptionGroup var service: KeyRotationOptions

    func run() async throws {
        let configuration = try service.configuration()
        guard configuration.secret == nil, configuration.keyFile == nil else {
            throw CommandFailure(
                code: "invalid_configuration",
                message: "keys rotate acts on generated keys: with a key file, replace the file instead"
            )
        }
        let key = try await AuthServer.withKeyStore(configuration) { keys in
            do {
                try await keys.prepare()
                return try await keys.rotate(algorithm: configuration.algorithm ?? .es256)
            } catch {
                throw CommandFailure.io("cannot write a new key into \(keys.location)")
            }
        }
        StandardStreams.writeError("A running service signs with the new key within a second.")
        print(key.thumbprint)
    }
}
