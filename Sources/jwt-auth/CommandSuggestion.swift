import ArgumentParser

/// "Did you mean": for a command line whose subcommand is mistyped (`jwt-auth serv`), the nearest
/// subcommand's name. argument-parser suggests near option names, not subcommands.
enum CommandSuggestion {
    /// The unknown word and the nearest subcommand at its place, when one is close enough (at most two
    /// edits, fewer than half the word); nil when the arguments name known commands or nothing is close.
    static func suggestion(for arguments: some Sequence<String>, root: any ParsableCommand.Type) -> (typed: String, nearest: String)? {
        var command = root
        for argument in arguments {
            let subcommands = command.configuration.subcommands
            guard !argument.hasPrefix("-"), !subcommands.isEmpty else { return nil }
            if let next = subcommands.first(where: { $0._commandName == argument }) {
                command = next
                continue
            }
            let scored = subcommands.map { ($0._commandName, distance(argument, $0._commandName)) }
            guard let (nearest, edits) = scored.min(by: { $0.1 < $1.1 }), edits <= 2, edits * 2 < argument.count else { return nil }
            return (argument, nearest)
        }
        return nil
    }

    /// The Levenshtein distance between `a` and `b`, a transposition counting as one edit.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.lowercased())
        let b = Array(b.lowercased())
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
            }
        }
        return table[a.count][b.count]
    }
}
