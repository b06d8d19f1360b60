import ArgumentParser

/// A duration in whole seconds from the command line: `900`, or with a unit, `900s`, `15m`, `12h`, `7d`.
struct Seconds: ExpressibleByArgument, Sendable, Hashable {
    let value: Int64

    init(_ value: Int64) {
        self.value = value
    }

    init?(argument: String) {
        let units: [Character: Int64] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        var digits = Substring(argument)
        var multiplier: Int64 = 1
        if let last = digits.last, let unit = units[last] {
            digits = digits.dropLast()
            multiplier = unit
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int64(digits) else { return nil }
        let (product, overflow) = number.multipliedReportingOverflow(by: multiplier)
        guard !overflow else { return nil }
        value = product
    }

    var defaultValueDescription: String { "\(value)" }

    var duration: Duration { .seconds(value) }
}
