import ArgumentParser
import Foundation
import JWTAuth

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// How `users list` and `keys list` print: a table for a person at a terminal; one JSON object per line
/// when standard output is not a terminal, or with `--json`, for scripts.
struct ListOutputOptions: ParsableArguments {
    @Flag(help: "Print one JSON object per line, also on a terminal.") var json = false

    /// Prints `rows`, each cell taken from its JSON member by `columns` for the table.
    func print(_ rows: [[String: JSONValue]], columns: [String]) {
        if json || isatty(STDOUT_FILENO) != 1 {
            for row in rows { Swift.print(JSONValue.object(row).description) }
        } else {
            Swift.print(Self.table(rows, columns: columns), terminator: "")
        }
    }

    /// Columns padded to their widest cell, the header in capitals; `-` for a missing or null value.
    static func table(_ rows: [[String: JSONValue]], columns: [String]) -> String {
        let cells = [columns.map { $0.uppercased() }] + rows.map { row in columns.map { text(row[$0]) } }
        let widths = columns.indices.map { column in cells.map { $0[column].count }.max() ?? 0 }
        return cells.map { line in
            line.enumerated().map { column, cell in
                column == columns.count - 1 ? cell : cell.padding(toLength: widths[column], withPad: " ", startingAt: 0)
            }.joined(separator: "  ")
        }.joined(separator: "\n") + "\n"
    }

    private static func text(_ value: JSONValue?) -> String {
        switch value {
        case .none, .null: "-"
        case .string(let text): text
        case .bool(let flag): flag ? "yes" : "no"
        case .array(let elements): elements.map { text($0) }.joined(separator: ",")
        case .some(let other): other.description
        }
    }
}

extension Date {
    /// `2026-12-06T23:50:00Z`.
    var rfc3339: String { formatted(.iso8601) }
}
