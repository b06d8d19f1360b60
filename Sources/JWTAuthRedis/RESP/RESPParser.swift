package import NIOCore

/// Parses RESP replies from bytes as they arrive: a state machine without I/O.
///
/// ``append(_:)-(ByteBuffer)`` buffers bytes; ``next()`` returns the next whole reply or `.needMoreData`.
/// Malformed input throws ``RedisError/Code/protocolError`` and leaves the parser failed, since the
/// stream cannot be resynchronised. The limits bound what a reply can make the parser buffer or nest.
package struct RESPParser: Sendable {
    /// What ``next()`` found.
    package enum Output: Sendable, Hashable {
        case value(RESPValue)
        case needMoreData
    }

    /// The deepest nesting of arrays, maps, sets and pushes. Defaults to 32.
    package let maximumDepth: Int
    /// The longest bulk or verbatim string. Defaults to 8 MiB.
    package let maximumBulkLength: Int
    /// The longest line without CRLF. Defaults to 64 KiB.
    package let maximumLineLength: Int
    /// The most elements (or map pairs) one aggregate may declare. Defaults to 1,048,576.
    package let maximumElementCount: Int

    private var buffer = ByteBuffer()
    private var open: [Aggregate] = []
    /// How many bytes after the type byte of the current line are known to hold no CR.
    private var scanned = 0
    private var failure: RedisError?

    package init(
        maximumDepth: Int = 32,
        maximumBulkLength: Int = 8 * 1024 * 1024,
        maximumLineLength: Int = 64 * 1024,
        maximumElementCount: Int = 1 << 20
    ) {
        self.maximumDepth = maximumDepth
        self.maximumBulkLength = maximumBulkLength
        self.maximumLineLength = maximumLineLength
        self.maximumElementCount = maximumElementCount
    }

    /// Buffers bytes received.
    package mutating func append(_ bytes: ByteBuffer) {
        if buffer.readableBytes == 0 {
            buffer = bytes
        } else {
            if buffer.readerIndex > 64 * 1024 { buffer.discardReadBytes() }
            buffer.writeImmutableBuffer(bytes)
        }
    }

    /// Buffers bytes received.
    package mutating func append(_ bytes: some Sequence<UInt8>) {
        buffer.writeBytes(bytes)
    }

    /// The next whole reply, or `.needMoreData`. Throws ``RedisError/Code/protocolError`` on malformed input,
    /// and again on every later call.
    package mutating func next() throws(RedisError) -> Output {
        if let failure { throw failure }
        do {
            while let item = try readItem() {
                if let value = try add(item) { return .value(value) }
            }
            return .needMoreData
        } catch {
            failure = error
            throw error
        }
    }

    /// Adds an item to the open aggregates; returns the top-level value it completes, if any.
    private mutating func add(_ item: Item) throws(RedisError) -> RESPValue? {
        var value: RESPValue
        switch item {
        case .value(let scalar):
            value = scalar
        case .open(let kind, let count):
            guard open.count < maximumDepth else { throw .protocolError("Reply nested deeper than \(maximumDepth)") }
            open.append(Aggregate(kind: kind, remaining: kind == .map ? 2 * count : count))
            return nil
        }
        while !open.isEmpty {
            let last = open.count - 1
            open[last].elements.append(value)
            open[last].remaining -= 1
            guard open[last].remaining == 0 else { return nil }
            value = open.removeLast().value
        }
        return value
    }

    private mutating func readItem() throws(RedisError) -> Item? {
        guard let (type, line, end) = try readLine() else { return nil }
        switch type {
        case UInt8(ascii: "+"): return consume(to: end, .value(.simpleString(line.text)))
        case UInt8(ascii: "-"): return consume(to: end, .value(.error(line.text)))
        case UInt8(ascii: ":"): return consume(to: end, .value(.integer(try line.integer())))
        case UInt8(ascii: "_"):
            guard line.readableBytes == 0 else { throw .protocolError("Malformed null") }
            return consume(to: end, .value(.null))
        case UInt8(ascii: "#"):
            switch line.text {
            case "t": return consume(to: end, .value(.boolean(true)))
            case "f": return consume(to: end, .value(.boolean(false)))
            default: throw .protocolError("Malformed boolean")
            }
        case UInt8(ascii: ","):
            guard let double = Double(line.text) else { throw .protocolError("Malformed double") }
            return consume(to: end, .value(.double(double)))
        case UInt8(ascii: "("):
            guard line.isDecimal(signed: true) else { throw .protocolError("Malformed big number") }
            return consume(to: end, .value(.bigNumber(line.text)))
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            return try readBulk(type: type, length: try line.length(allowingNull: type == UInt8(ascii: "$")), from: end)
        case UInt8(ascii: "*"), UInt8(ascii: "%"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            let count = try line.length(allowingNull: type == UInt8(ascii: "*"))
            guard count <= maximumElementCount else { throw .protocolError("Aggregate of \(count) elements is too long") }
            let kind = Kind(type)
            if count == -1 { return consume(to: end, .value(.array(nil))) }
            if count == 0 { return consume(to: end, .value(Aggregate(kind: kind, remaining: 0).value)) }
            return consume(to: end, .open(kind, count: count))
        default:
            throw .protocolError("Unknown RESP type byte \(type)")
        }
    }

    /// A bulk, verbatim or bulk-error string whose header ends at `start`; nil until its payload is buffered.
    private mutating func readBulk(type: UInt8, length: Int, from start: Int) throws(RedisError) -> Item? {
        if length == -1 { return consume(to: start, .value(.bulkString(nil))) }
        guard length <= maximumBulkLength else { throw .protocolError("Bulk string of \(length) bytes is too long") }
        guard buffer.writerIndex - start >= length + 2 else { return nil }
        guard buffer.getInteger(at: start + length, as: UInt16.self) == 0x0D0A else {
            throw .protocolError("Bulk string not followed by CRLF")
        }
        let bytes = buffer.getBytes(at: start, length: length) ?? []
        let value: RESPValue
        switch type {
        case UInt8(ascii: "="):
            guard bytes.count >= 4, bytes[3] == UInt8(ascii: ":") else { throw .protocolError("Malformed verbatim string") }
            value = .verbatimString(format: String(decoding: bytes[..<3], as: UTF8.self), text: String(decoding: bytes[4...], as: UTF8.self))
        case UInt8(ascii: "!"):
            value = .error(String(decoding: bytes, as: UTF8.self))
        default:
            value = .bulkString(bytes)
        }
        return consume(to: start + length + 2, .value(value))
    }

    /// The type byte and the rest of the first buffered line, with the index after its CRLF; nil until it is whole.
    private mutating func readLine() throws(RedisError) -> (UInt8, ByteBuffer, Int)? {
        let view = buffer.readableBytesView
        guard let type = view.first else { return nil }
        let contentStart = view.startIndex + 1
        var index = contentStart + scanned
        while index < view.endIndex {
            switch view[index] {
            case 0x0D:
                guard index + 1 < view.endIndex else {
                    scanned = index - contentStart
                    return nil
                }
                guard view[index + 1] == 0x0A else { throw .protocolError("Line not ended by CRLF") }
                return (type, buffer.getSlice(at: contentStart, length: index - contentStart) ?? ByteBuffer(), index + 2)
            case 0x0A:
                throw .protocolError("Line not ended by CRLF")
            default:
                index += 1
            }
        }
        scanned = max(0, index - contentStart)
        guard scanned <= maximumLineLength else { throw .protocolError("Line longer than \(maximumLineLength) bytes") }
        return nil
    }

    private mutating func consume(to end: Int, _ item: Item) -> Item {
        buffer.moveReaderIndex(to: end)
        scanned = 0
        return item
    }
}
