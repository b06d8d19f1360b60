import NIOCore

extension RESPParser {
    /// What one line (and, for bulk strings, its payload) holds.
    enum Item {
        case value(RESPValue)
        case open(Kind, count: Int)
    }

    enum Kind {
        case array, set, push, map

        init(_ type: UInt8) {
            switch type {
            case UInt8(ascii: "%"): self = .map
            case UInt8(ascii: "~"): self = .set
            case UInt8(ascii: ">"): self = .push
            default: self = .array
            }
        }
    }

    /// An aggregate whose elements are still arriving.
    struct Aggregate {
        let kind: Kind
        var remaining: Int
        var elements: [RESPValue] = []

        init(kind: Kind, remaining: Int) {
            self.kind = kind
            self.remaining = remaining
        }

        var value: RESPValue {
            switch kind {
            case .array: .array(elements)
            case .set: .set(elements)
            case .push: .push(elements)
            case .map:
                .map(stride(from: 0, to: elements.count - 1, by: 2).map { .init(key: elements[$0], value: elements[$0 + 1]) })
            }
        }
    }
}

extension ByteBuffer {
    /// The bytes as UTF-8 text.
    var text: String { String(decoding: readableBytesView, as: UTF8.self) }

    /// Whether the bytes are one or more decimal digits, after a `-` when `signed`.
    func isDecimal(signed: Bool) -> Bool {
        var digits = readableBytesView[...]
        if signed, digits.first == UInt8(ascii: "-") { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The bytes as a signed 64-bit decimal integer.
    func integer() throws(RedisError) -> Int64 {
        let view = readableBytesView
        let negative = view.first == UInt8(ascii: "-")
        guard isDecimal(signed: true) else { throw .protocolError("Malformed integer") }
        var value: Int64 = 0
        for byte in view.dropFirst(negative ? 1 : 0) {
            let digit = Int64(byte - UInt8(ascii: "0"))
            let (shifted, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (next, overflow2) = negative ? shifted.subtractingReportingOverflow(digit) : shifted.addingReportingOverflow(digit)
            guard !overflow1, !overflow2 else { throw .protocolError("Integer out of range") }
            value = next
        }
        return value
    }

    /// The bytes as the length of a string or aggregate: zero or more, or -1 for null when `allowingNull`.
    func length(allowingNull: Bool) throws(RedisError) -> Int {
        guard readableBytes <= 12, let value = try? integer() else { throw .protocolError("Malformed length") }
        if value == -1, allowingNull { return -1 }
        guard value >= 0 else { throw .protocolError("Negative length \(value)") }
        return Int(value)
    }
}
