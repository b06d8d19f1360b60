import JWTAuth

/// JSON for people to read: sorted member names, one member or element per line, two-space indents.
enum PrettyJSON {
    static func string(_ value: JSONValue) -> String {
        var output: [UInt8] = []
        write(value, indent: 0, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    private static func write(_ value: JSONValue, indent: Int, into output: inout [UInt8]) {
        switch value {
        case .array(let elements) where !elements.isEmpty:
            output.append(UInt8(ascii: "["))
            for (offset, element) in elements.enumerated() {
                newline(after: offset == 0 ? nil : ",", indent: indent + 2, into: &output)
                write(element, indent: indent + 2, into: &output)
            }
            newline(after: nil, indent: indent, into: &output)
            output.append(UInt8(ascii: "]"))
        case .object(let members) where !members.isEmpty:
            output.append(UInt8(ascii: "{"))
            for (offset, member) in members.sorted(by: { $0.key < $1.key }).enumerated() {
                newline(after: offset == 0 ? nil : ",", indent: indent + 2, into: &output)
                JSONWriter.writeString(member.key, into: &output)
                output.append(contentsOf: ": ".utf8)
                write(member.value, indent: indent + 2, into: &output)
            }
            newline(after: nil, indent: indent, into: &output)
            output.append(UInt8(ascii: "}"))
        default:
            JSONWriter.write(value, into: &output)
        }
    }

    private static func newline(after separator: Character?, indent: Int, into output: inout [UInt8]) {
        if let separator { output.append(contentsOf: String(separator).utf8) }
        output.append(UInt8(ascii: "\n"))
        output.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
    }
}
