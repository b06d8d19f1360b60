import Foundation

/// A DocC page of the package, read so that tests can check that its Swift code is code they run.
struct DocCPage {
    /// The package's root folder.
    static let packageRoot = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    let markdown: String

    /// The page at `path`, relative to the package's root.
    init(_ path: String) throws {
        markdown = try String(contentsOf: Self.packageRoot.appending(path: path), encoding: .utf8)
    }

    /// The page's ```swift blocks, each as its lines.
    var swiftBlocks: [[String]] {
        var blocks: [[String]] = []
        var current: [String]?
        for line in markdown.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if line.hasPrefix("```") {
                if let block = current {
                    blocks.append(block)
                    current = nil
                } else if line == "```swift" {
                    current = []
                }
                continue
            }
            current?.append(line)
        }
        return blocks
    }

    /// The test files (`Tests/ExampleTests/Name.swift`) the page names.
    var namedTestFiles: [String] {
        markdown.matches(of: /`(Tests\/ExampleTests\/[A-Za-z]+\.swift)`/).map { String($0.output.1) }
    }

    /// The text of a file of the package.
    static func source(_ path: String) throws -> String {
        try String(contentsOf: packageRoot.appending(path: path), encoding: .utf8)
    }

    /// Whether `block` is in `source` line for line, every line indented alike (as in a function's body).
    static func contains(_ source: String, block: [String]) -> Bool {
        guard let first = block.first, !first.isEmpty else { return false }
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for start in lines.indices where lines[start].hasSuffix(first) {
            let indent = String(lines[start].dropLast(first.count))
            guard indent.allSatisfy({ $0 == " " }), start + block.count <= lines.count else { continue }
            let matches = zip(block, lines[start..<start + block.count]).allSatisfy { expected, line in
                expected.isEmpty ? line.allSatisfy(\.isWhitespace) : line == indent + expected
            }
            if matches { return true }
        }
        return false
    }

    /// The page's Swift blocks that are not in `source`, each as its first line.
    func blocksMissing(from source: String) -> [String] {
        swiftBlocks.filter { !Self.contains(source, block: $0) }.map { $0.first ?? "" }
    }
}
