import Foundation

/// Standard input and standard error, for what is not the command's result.
enum StandardStreams {
    /// Writes one line to standard error.
    static func writeError(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// `argument`, or all of standard input when it is `-`; without surrounding whitespace.
    static func argumentOrInput(_ argument: String) -> String {
        let text = argument == "-" ? String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self) : argument
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
