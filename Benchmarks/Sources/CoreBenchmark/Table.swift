/// A goal a row is held to.
enum Goal: Sendable {
    /// jwt-kit's time ÷ ours is at least this.
    case fasterThanKit(Double)
    /// The raw primitive's time ÷ ours is at least this.
    case fractionOfRaw(Double)
    /// `baseline` ÷ ours is at least `factor`.
    case fasterThan(Double, baseline: Double, name: String)
}

/// One line of the table: one algorithm and operation, in ns/op.
struct Row: Sendable {
    let algorithm: String
    let operation: String
    let ours: Double
    var kit: Double? = nil
    var raw: Double? = nil
    var goal: Goal? = nil

    var speedUp: Double? { kit.map { $0 / ours } }
    var fractionOfRaw: Double? { raw.map { $0 / ours } }

    /// The goal and whether it is met, e.g. `≥ 3× jwt-kit: PASS`.
    var verdict: (text: String, passed: Bool)? {
        guard let goal else { return nil }
        let (text, ratio, target): (String, Double?, Double)
        switch goal {
        case .fasterThanKit(let factor): (text, ratio, target) = ("≥ \(Table.target(factor)) jwt-kit", speedUp, factor)
        case .fractionOfRaw(let factor): (text, ratio, target) = ("≥ \(Table.target(factor)) raw", fractionOfRaw, factor)
        case .fasterThan(let factor, let baseline, let name):
            (text, ratio, target) = ("≥ \(Table.target(factor)) \(name) (\(Table.ratio(baseline / ours)))", baseline / ours, factor)
        }
        let passed = (ratio ?? 0) >= target
        return ("\(text): \(passed ? "PASS" : "MISS")", passed)
    }
}

/// The one table the benchmark prints.
struct Table {
    let rows: [Row]

    func render() -> String {
        let header = ["alg", "operation", "JWTAuth ns/op", "jwt-kit ns/op", "raw ns/op", "vs jwt-kit", "of raw", "goal"]
        var lines: [[String]] = [header]
        for row in rows {
            lines.append([
                row.algorithm, row.operation, Self.nanoseconds(row.ours), row.kit.map(Self.nanoseconds) ?? "-",
                row.raw.map(Self.nanoseconds) ?? "-", row.speedUp.map(Self.ratio) ?? "-", row.fractionOfRaw.map(Self.ratio) ?? "-",
                row.verdict?.text ?? "",
            ])
        }
        var widths = Array(repeating: 0, count: header.count)
        for line in lines {
            for (index, cell) in line.enumerated() { widths[index] = max(widths[index], cell.count) }
        }
        let leftAligned: Set<Int> = [0, 1, 7]
        let rule = widths.enumerated().map { index, width in
            let dashes = String(repeating: "-", count: width + 1)
            return leftAligned.contains(index) ? ":" + dashes : dashes + ":"
        }
        var output: [String] = []
        for (number, line) in lines.enumerated() {
            var cells: [String] = []
            for (index, cell) in line.enumerated() {
                let padding = String(repeating: " ", count: widths[index] - cell.count)
                cells.append(leftAligned.contains(index) ? cell + padding : padding + cell)
            }
            output.append("| " + cells.joined(separator: " | ") + " |")
            if number == 0 { output.append("|" + rule.joined(separator: "|") + "|") }
        }
        let verdicts = rows.compactMap(\.verdict)
        let passed = verdicts.filter(\.passed).count
        output.append("")
        output.append("goals: \(passed) of \(verdicts.count) met")
        return output.joined(separator: "\n")
    }

    /// `12.3` below 100 ns, else whole nanoseconds with thousands separators.
    static func nanoseconds(_ value: Double) -> String {
        if value < 100 { return decimal(value, places: 1) }
        let digits = String(Int(value.rounded()))
        var grouped = ""
        for (offset, digit) in digits.enumerated() {
            if offset > 0, (digits.count - offset) % 3 == 0 { grouped.append(",") }
            grouped.append(digit)
        }
        return grouped
    }

    /// `3×` or `0.92×`, for a goal.
    static func target(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value))×" : ratio(value)
    }

    /// `3.41×`.
    static func ratio(_ value: Double) -> String { decimal(value, places: 2) + "×" }

    static func decimal(_ value: Double, places: Int) -> String {
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int((value * scale).rounded())
        let whole = scaled / Int(scale)
        let fraction = String(scaled % Int(scale))
        return "\(whole)." + String(repeating: "0", count: places - fraction.count) + fraction
    }
}
