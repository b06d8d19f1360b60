import Dispatch
import Foundation
import JWTAuth
import JWTAuthTestSupport
import JWTAuthTesting

/// Runs a script of `Interop/` (`pyjwt_interop.py` unless told) in the Python environment that `scripts/test`
/// provides, one JSON request in, one JSON answer out.
///
/// The interpreter is `JWT_AUTH_PYTHON`, or else the package's `.venv`, made by `scripts/python-env` when needed.
/// Without Python and PyJWT every interop test fails: they are never skipped.
enum PyJWT {
    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ description: String) { self.description = description }
    }

    private struct Output {
        let status: Int32
        let standardOutput: Data
        let standardError: Data
    }

    /// The package's root directory.
    static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    private static let interop = packageRoot.appendingPathComponent("Tests/JWTAuthTests/Interop")

    /// The Python interpreter, found once for all tests so that `scripts/python-env` runs at most once.
    private static let interpreter: Result<String, Failure> = locateInterpreter()

    /// Sends `request` to the script and returns its answer.
    static func run(_ request: JSONValue, script name: String = "pyjwt_interop.py") async throws -> JSONValue {
        let input = Data(JSONWriter.encode(request))
        let script = interop.appendingPathComponent(name).path
        // Off the cooperative pool: finding the interpreter may run scripts/python-env, and the script takes a while.
        let output = try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(with: Result { try execute(interpreter.get(), [script], input: input) })
            }
        }
        guard output.status == 0 else {
            throw Failure("\(name) exited with status \(output.status): \(excerpt(output.standardError))")
        }
        do {
            return try JSONParser(maximumDepth: 64).parse(Array(output.standardOutput))
        } catch {
            throw Failure("\(name) did not answer with JSON: \(error.description)")
        }
    }

    private static func locateInterpreter() -> Result<String, Failure> {
        if let path = ProcessInfo.processInfo.environment["JWT_AUTH_PYTHON"], !path.isEmpty {
            guard FileManager.default.isExecutableFile(atPath: path) else {
                return .failure(Failure("JWT_AUTH_PYTHON (\(path)) is not an executable; run the tests with scripts/test"))
            }
            return .success(path)
        }
        let venv = packageRoot.appendingPathComponent(".venv/bin/python").path
        if FileManager.default.isExecutableFile(atPath: venv) { return .success(venv) }
        let setup = packageRoot.appendingPathComponent("scripts/python-env").path
        do {
            let output = try execute(setup, [], input: Data())
            let path = String(decoding: output.standardOutput, as: UTF8.self).split(separator: "\n").last.map(String.init) ?? ""
            guard output.status == 0, FileManager.default.isExecutableFile(atPath: path) else {
                return .failure(
                    Failure("scripts/python-env could not make a Python environment with PyJWT: \(excerpt(output.standardError))")
                )
            }
            return .success(path)
        } catch {
            return .failure(Failure("scripts/python-env could not run: \(error)"))
        }
    }

    /// Runs a program to completion (through ``ChildProcess``, not Foundation's `Process`).
    private static func execute(_ executable: String, _ arguments: [String], input: Data) throws -> Output {
        let output = try ChildProcess.run(executable, arguments, input: Array(input), directory: packageRoot.path)
        return Output(status: output.status, standardOutput: Data(output.standardOutput), standardError: Data(output.standardError))
    }

    /// The end of a program's error output, where Python puts the exception.
    private static func excerpt(_ data: Data) -> String {
        String(String(decoding: data, as: UTF8.self).suffix(1500))
    }
}
