/// The command line of the benchmark.
struct Options {
    var harness = Harness()
    var algorithms = Algorithm.allCases
    /// Whether the revocation rows run (``RevocationSuite``): always, unless `--only` leaves them out.
    var revocation = true
    /// Revoked `jti`s in the revocation rows' full store.
    var revocations = 1_000_000
    var profile: String?
    var iterations = 10_000

    init(_ arguments: [String]) throws {
        var index = 0
        func value() throws -> String {
            index += 1
            guard index < arguments.count else { throw UsageError(message: "\(arguments[index - 1]) needs a value") }
            return arguments[index]
        }
        while index < arguments.count {
            switch arguments[index] {
            case "--rounds": harness.rounds = try Self.positive(value())
            case "--round-ms": harness.roundTime = .milliseconds(try Self.positive(value()))
            case "--warmup-ms": harness.warmUpTime = .milliseconds(try Self.positive(value()))
            case "--clock":
                let name = try value()
                guard let clock = TimingClock(rawValue: name) else { throw UsageError(message: "--clock is wall or cpu, not \(name)") }
                harness.clock = clock
            case "--profile": profile = try value()
            case "--iterations": iterations = try Self.positive(value())
            case "--revocations": revocations = try Self.positive(value())
            case "--only":
                let names = try value().split(separator: ",").map { $0.lowercased() }
                revocation = names.contains("revocation")
                algorithms = try names.filter { $0 != "revocation" }.map { name in
                    guard let algorithm = Algorithm.allCases.first(where: { $0.rawValue.lowercased() == name }) else {
                        throw UsageError(message: "unknown algorithm \(name)")
                    }
                    return algorithm
                }
            default: throw UsageError(message: "unknown option \(arguments[index])")
            }
            index += 1
        }
        guard !algorithms.isEmpty || revocation else { throw UsageError(message: "--only names no algorithm") }
    }

    static func positive(_ text: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw UsageError(message: "\(text) is not a positive number") }
        return number
    }
}
