import ArgumentParser

/// `jwt-auth keys`: the group of key commands.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Make keys, compute their thumbprints, and rotate or retire the service's keys.",
        subcommands: [KeysGenerate.self, KeysThumbprint.self, KeysRotate.self, KeysRetire.self, KeysList.self]
    )
}
