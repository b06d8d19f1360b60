import Foundation
import JWTAuth
import JWTAuthTestSupport
import JWTAuthTesting
import Testing

/// What one run of `jwt-auth` did.
struct CLIResult {
    let status: Int32
    let stdout: String
    let stderr: String

    /// Standard output parsed as a JSON object.
    func json() throws -> [String: JSONValue] {
        try JSONParser().parseObject(Array(stdout.utf8))
    }

    /// Standard output without its final line break.
    var line: String { stdout.trimmingCharacters(in: .newlines) }
}

/// A temporary working directory in which the built `jwt-auth` executable runs as a subprocess.
final class CLISandbox {
    /// The working directory of each run.
    let directory: URL
    private let captures: URL

    init() throws {
        let root = FileManager.default.temporaryDirectory.appending(path: "jwt-auth-cli-\(UUID().uuidString)")
        directory = root.appending(path: "work")
        captures = root.appending(path: "captures")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: captures, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory.deletingLastPathComponent())
    }

    /// Runs `jwt-auth arguments…` in ``directory`` with `input` on standard input, and waits for it
    /// (through ``ChildProcess``, not Foundation's `Process`). With `environment`, that is its whole
    /// environment; without, it inherits the test's.
    func run(_ arguments: [String], input: String? = nil, environment: [String: String]? = nil) throws -> CLIResult {
        let executable = try #require(Self.executable, "jwt-auth is not built: run `swift build --build-tests` first")
        let output = try ChildProcess.run(
            executable.path,
            arguments,
            input: Array((input ?? "").utf8),
            environment: environment,
            directory: directory.path
        )
        return CLIResult(
            status: output.status,
            stdout: String(decoding: output.standardOutput, as: UTF8.self),
            stderr: String(decoding: output.standardError, as: UTF8.self)
        )
    }

    /// Writes `contents` to `name` in ``directory``.
    func write(_ name: String, _ contents: String) throws {
        try Data(contents.utf8).write(to: directory.appending(path: name))
    }

    /// The contents of `name` in ``directory``.
    func read(_ name: String) throws -> String {
        String(decoding: try Data(contentsOf: directory.appending(path: name)), as: UTF8.self)
    }

    /// The permission bits of `name` in ``directory``.
    func permissions(_ name: String) throws -> Int? {
        try FileManager.default.attributesOfItem(atPath: directory.appending(path: name).path)[.posixPermissions] as? Int
    }

    /// The names in ``directory``.
    func files() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
    }

    /// The built executable: `JWT_AUTH_EXECUTABLE`, else next to the test bundle in the products
    /// directory, else `.build/debug/jwt-auth` in the package.
    static let executable: URL? = {
        var candidates: [URL] = []
        if let path = ProcessInfo.processInfo.environment["JWT_AUTH_EXECUTABLE"] { candidates.append(URL(filePath: path)) }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appending(path: "jwt-auth"))
        }
        if let main = Bundle.main.executableURL { candidates.append(main.deletingLastPathComponent().appending(path: "jwt-auth")) }
        let package = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        candidates.append(package.appending(path: ".build/debug/jwt-auth"))
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}
