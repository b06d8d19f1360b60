/// Unpadded base64url (RFC 4648 §5), as JWS uses it, decoded strictly: no padding, no `+` or `/`,
/// no whitespace, and no non-zero trailing bits, so that every byte string has exactly one encoding.
public enum Base64URL {
    private static let alphabet: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    private static let decodeTable: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (index, character) in alphabet.enumerated() { table[Int(character)] = UInt8(index) }
        return table
    }()

    /// The decoding of a whole quartet, one table per position: each character's six bits already
    /// shifted into place, so four lookups OR'ed together give the three bytes. 0xFF00_0000 marks a
    /// byte outside the alphabet.
    private static let quartetTable: [UInt32] = {
        var table = [UInt32](repeating: 0xFF00_0000, count: 4 * 256)
        for (index, character) in alphabet.enumerated() {
            for position in 0..<4 { table[position * 256 + Int(character)] = UInt32(index) << (18 - 6 * position) }
        }
        return table
    }()

    /// Encodes bytes without padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        var output = [UInt8]()
        encode(bytes, into: &output)
        return String(decoding: output, as: UTF8.self)
    }

    /// Appends the encoding of `bytes` to `output`.
    public static func encode(_ bytes: some Collection<UInt8>, into output: inout [UInt8]) {
        output.reserveCapacity(output.count + (bytes.count * 4 + 2) / 3)
        alphabet.withUnsafeBufferPointer { table in
            var iterator = bytes.makeIterator()
            while let b0 = iterator.next() {
                let b1 = iterator.next()
                let b2 = iterator.next()
                output.append(table[Int(b0 >> 2)])
                output.append(table[Int((b0 & 0x03) << 4 | (b1 ?? 0) >> 4)])
                guard let b1 else { return }
                output.append(table[Int((b1 & 0x0F) << 2 | (b2 ?? 0) >> 6)])
                guard let b2 else { return }
                output.append(table[Int(b2 & 0x3F)])
            }
        }
    }

    /// Decodes canonical unpadded base64url, or returns nil.
    public static func decode(_ string: some StringProtocol) -> [UInt8]? {
        var utf8 = string.utf8
        if let result = utf8.withContiguousStorageIfAvailable({ decode(UnsafeRawBufferPointer($0)) }) { return result }
        utf8 = string.utf8
        return decode(Array(utf8))
    }

    /// Decodes canonical unpadded base64url, or returns nil.
    public static func decode(_ bytes: [UInt8]) -> [UInt8]? {
        bytes.withUnsafeBytes { decode($0) }
    }

    /// Decodes canonical unpadded base64url, or returns nil.
    public static func decode(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let outputCount = decodedCount(input.count) else { return nil }
        var failed = false
        let output = [UInt8](unsafeUninitializedCapacity: outputCount) { buffer, initialized in
            guard let target = buffer.baseAddress else { return }
            failed = !decode(input, into: target)
            initialized = outputCount
        }
        return failed ? nil : output
    }

    /// The number of bytes `count` base64url characters decode to; nil for a length no encoding has.
    static func decodedCount(_ count: Int) -> Int? {
        count % 4 == 1 ? nil : count / 4 * 3 + (count % 4 == 0 ? 0 : count % 4 - 1)
    }

    /// Decodes canonical unpadded base64url into `target`, which has room for ``decodedCount(_:)`` bytes; false
    /// when `input` is not canonical base64url (what `target` then holds means nothing).
    static func decode(_ input: UnsafeRawBufferPointer, into target: UnsafeMutablePointer<UInt8>) -> Bool {
        let count = input.count
        if count % 4 == 1 { return false }
        guard let source = input.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return true }
        var failed = false
        var inputIndex = 0
        var outputIndex = 0
        var invalid: UInt32 = 0
        quartetTable.withUnsafeBufferPointer { table in
            // Two quartets a step, their six bytes written with one 8-byte store. The two bytes past them are
            // overwritten by the next step or by the quartets below, which always follow: while 12 characters
            // remain, at least 9 bytes of output do, so the store stays inside the ``decodedCount(_:)`` bytes.
            let output = UnsafeMutableRawPointer(target)
            while inputIndex + 12 <= count {
                let first =
                    table[Int(source[inputIndex])] | table[256 + Int(source[inputIndex + 1])]
                    | table[512 + Int(source[inputIndex + 2])] | table[768 + Int(source[inputIndex + 3])]
                let second =
                    table[Int(source[inputIndex + 4])] | table[256 + Int(source[inputIndex + 5])]
                    | table[512 + Int(source[inputIndex + 6])] | table[768 + Int(source[inputIndex + 7])]
                invalid |= first | second
                // A quartet's 24 bits, then the next one's; the 0xFF00_0000 marks fall outside or are in `invalid`.
                let bytes = UInt64(truncatingIfNeeded: first) << 40 | UInt64(truncatingIfNeeded: second) << 16
                output.storeBytes(of: bytes.bigEndian, toByteOffset: outputIndex, as: UInt64.self)
                inputIndex += 8
                outputIndex += 6
            }
            while inputIndex + 4 <= count {
                let value =
                    table[Int(source[inputIndex])] | table[256 + Int(source[inputIndex + 1])]
                    | table[512 + Int(source[inputIndex + 2])] | table[768 + Int(source[inputIndex + 3])]
                invalid |= value
                target[outputIndex] = UInt8(truncatingIfNeeded: value >> 16)
                target[outputIndex + 1] = UInt8(truncatingIfNeeded: value >> 8)
                target[outputIndex + 2] = UInt8(truncatingIfNeeded: value)
                inputIndex += 4
                outputIndex += 3
            }
        }
        // 0xFF00_0000 marks a byte outside the alphabet.
        if invalid & 0xFF00_0000 != 0 { failed = true }
        let remaining = count - inputIndex
        if remaining >= 2 {
            decodeTable.withUnsafeBufferPointer { table in
                let a = table[Int(source[inputIndex])]
                let b = table[Int(source[inputIndex + 1])]
                var tailInvalid = a | b
                target[outputIndex] = (a << 2) | (b >> 4)
                outputIndex += 1
                if remaining == 3 {
                    let c = table[Int(source[inputIndex + 2])]
                    tailInvalid |= c
                    target[outputIndex] = (b << 4) | (c >> 2)
                    outputIndex += 1
                    if c & 0x03 != 0 { failed = true }  // non-zero trailing bits
                } else if b & 0x0F != 0 {
                    failed = true
                }
                // 0xFF marks a byte outside the alphabet; valid values never set bit 6 or 7.
                if tailInvalid & 0xC0 != 0 { failed = true }
            }
        }
        return !failed
    }
}
