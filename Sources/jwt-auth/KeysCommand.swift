import ArgumentParser

/// `jwt-auth keys`: the group of key commands.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make keys and compute their thumbprints.",
        // `rotate` and `retire` join here with the service's key store.
        subcommands: [KeysGenerate.self, KeysThumbprint.self]
    )
}
