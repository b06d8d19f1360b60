/// The command line of the benchmark.
struct Options {
    var harness = Harness()
    var algorithms = Algorithm.allCases
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
            case "--only":
                algorithms = try value().split(separator: ",").map { name in
                    guard let algorithm = Algorithm.allCases.first(where: { $0.rawValue.lowercased() == name.lowercased() }) else {
                        throw UsageError(message: "unknown algorithm \(name)")
                    }
                    return algorithm
                }
            default: throw UsageError(message: "unknown option \(arguments[index])")
            }
            index += 1
        }
        guard !algorithms.isEmpty else { throw UsageError(message: "--only names no algorithm") }
    }

    static func positive(_ text: String) throws -> Int {
        guard let number = Int(text), number > 0 else { throw UsageError(message: "\(text) is not a positive number") }
        return number
    }
}
