extension Setting {
    /// `docs/settings.md`: every setting as a row of a Markdown table.
    package static var markdown: String {
        var lines = [
            "# Settings",
            "",
            "<!-- Generated from Sources/AuthServer/Settings/Setting+All.swift; SettingsTableTests fails when this file is stale.",
            "     Regenerate: JWT_AUTH_REGENERATE=1 swift test --filter SettingsTableTests -->",
            "",
            "Each setting of `jwt-auth serve` is an environment variable and a flag; a flag wins over the variable.",
            "Durations are plain seconds (`900`) or carry a unit (`900s`, `15m`, `12h`, `7d`). A setting that cannot",
            "be used stops the command with one line naming its variable, and exit status 2; a secret is never repeated.",
            "The `users` and `keys` commands read the same variables and take the flags of the settings they use.",
            "A boolean's flag takes no value: `--web` or `--no-web`; its variable takes `true` or `false`.",
            "",
            "A secret given as a flag is visible to other users of the machine in the process list. Give it in its",
            "variable, or in a file named by its `_FILE` variable (the container-secrets convention: the file's text,",
            "one trailing line break removed): "
                + all.compactMap(\.fileVariable).map { "`\($0)`" }.joined(separator: ", ")
                + ". Giving both a variable and its `_FILE`, or a file that cannot be read, stops the command (exit 2).",
            "",
            "| Variable | Flag | Default | Meaning | Flag also on |",
            "| --- | --- | --- | --- | --- |",
        ]
        for setting in all {
            let cells = [
                "`\(setting.environmentVariable)`",
                "`\(setting.flagUsage)`",
                setting.defaultValue.map { "`\($0)`" } ?? "none",
                setting.help,
                setting.commands.names.joined(separator: ", "),
            ]
            lines.append("| " + cells.map { $0.replacing("|", with: "\\|") }.joined(separator: " | ") + " |")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Setting.Commands {
    /// The commands other than `serve`, as typed.
    var names: [String] {
        var names: [String] = []
        if contains(.users) { names.append("`users`") }
        if contains(.usersAdd) { names.append("`users add`, `passwd`") }
        if contains(.keys) { names.append("`keys`") }
        if contains(.keysRotate) { names.append("`keys rotate`") }
        return names
    }
}
