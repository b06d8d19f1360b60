/// A strict RFC 8259 JSON parser for token headers and claims.
///
/// Rejects what a lenient parser lets through: duplicate member names, invalid UTF-8, lone
/// surrogates, control characters in strings, leading zeros, trailing data, and nesting deeper
/// than ``maximumDepth``.
public struct JSONParser: Sendable {
    /// Why a text is not accepted. The message names the fault, never the text.
    public struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
        public let description: String
    }

    /// How deep arrays and objects may nest. Defaults to 32.
    public var maximumDepth: Int

    public init(maximumDepth: Int = 32) {
        self.maximumDepth = maximumDepth
    }

    /// Parses one JSON value that spans all of `bytes`.
    public func parse(_ bytes: some Collection<UInt8>) throws(Failure) -> JSONValue {
        var failure: Failure? = nil
        let contiguous = bytes.withContiguousStorageIfAvailable { buffer -> JSONValue? in
            do throws(Failure) { return try self.parse(UnsafeRawBufferPointer(buffer)) } catch {
                failure = error
                return nil
            }
        }
        if let failure { throw failure }
        if let value = contiguous ?? nil { return value }
        return try parse(Array(bytes))
    }

    /// Parses one JSON value that spans all of `buffer`.
    public func parse(_ buffer: UnsafeRawBufferPointer) throws(Failure) -> JSONValue {
        var reader = Reader(bytes: buffer, maximumDepth: maximumDepth)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == buffer.count else { throw Failure(description: "Unexpected data after the JSON value") }
        return value
    }

    /// Parses a JSON object, the shape of every JWS header and JWT claims set.
    public func parseObject(_ bytes: some Collection<UInt8>) throws(Failure) -> [String: JSONValue] {
        guard case .object(let members) = try parse(bytes) else { throw Failure(description: "Not a JSON object") }
        return members
    }

    /// ``parseObject(_:)`` of a JWT claims set, gathering the registered claims that validation reads as they are
    /// parsed rather than in another pass over the members.
    func parseClaims(_ buffer: UnsafeRawBufferPointer) throws(Failure) -> (members: [String: JSONValue], registered: RegisteredClaims) {
        var reader = Reader(bytes: buffer, maximumDepth: maximumDepth)
        reader.skipWhitespace()
        let value = try reader.readValue(depth: 0)
        reader.skipWhitespace()
        guard reader.index == buffer.count else { throw Failure(description: "Unexpected data after the JSON value") }
        guard case .object(let members) = value else { throw Failure(description: "Not a JSON object") }
        return (members, reader.registered)
    }

    /// Checks a JWT claims set without building it: the values of the claims its accessors read are built
    /// (``KnownClaims``), every other value is only stepped over.
    ///
    /// Accepts only what ``parseClaims(_:)`` accepts, and only the plain forms of it: member names in ASCII without
    /// escapes, strings in ASCII without escapes, integers of up to 18 digits, at most ``scannedMembersLimit``
    /// members in an object and ``scannedNamesLimit`` names open at once. Returns nil for anything else (escapes,
    /// other text, fractions, a fault), and the claims set is then parsed in full, so that every fault is judged and
    /// reported by the parser itself.
    func scanClaims(_ buffer: UnsafeRawBufferPointer) -> (registered: RegisteredClaims, known: KnownClaims)? {
        var reader = Reader(bytes: buffer, maximumDepth: maximumDepth)
        reader.skipWhitespace()
        guard reader.index < buffer.count, buffer[reader.index] == UInt8(ascii: "{") else { return nil }
        // The names on the stack: an array of them was a heap allocation for every token.
        return withUnsafeTemporaryAllocation(of: ScannedName.self, capacity: Self.scannedNamesLimit) { storage in
            var names = ScannedNames(storage)
            var known = KnownClaims()
            guard reader.scanObject(depth: 1, names: &names, known: &known) else { return nil }
            reader.skipWhitespace()
            guard reader.index == buffer.count else { return nil }
            return (reader.registered, known)
        }
    }

    /// The names of the objects ``scanClaims(_:)`` is in, innermost last, in memory it does not own.
    fileprivate struct ScannedNames {
        private let buffer: UnsafeMutableBufferPointer<ScannedName>
        /// How many names it holds; lowering it drops the last ones.
        var count = 0

        init(_ buffer: UnsafeMutableBufferPointer<ScannedName>) { self.buffer = buffer }

        subscript(index: Int) -> ScannedName { buffer[index] }

        /// Adds `name`; false when the buffer is full.
        mutating func append(_ name: ScannedName) -> Bool {
            guard count < buffer.count else { return false }
            buffer.initializeElement(at: count, to: name)
            count += 1
            return true
        }
    }

    /// A member name seen by ``scanClaims(_:)``: where it is, and its length and first seven bytes in one number, so
    /// that two names of up to seven bytes are the same exactly when their keys are.
    fileprivate struct ScannedName {
        let key: UInt64
        let range: Range<Int>

        init(_ range: Range<Int>, in bytes: UnsafeRawBufferPointer) {
            var key = UInt64(min(range.count, 255)) << 56
            for offset in 0..<min(range.count, 7) { key |= UInt64(bytes[range.lowerBound + offset]) << (8 * offset) }
            self.key = key
            self.range = range
        }
    }

    /// The most members an object may have for ``scanClaims(_:)`` to check it: names are compared pairwise, without
    /// hashing, which stays cheaper than the parser's dictionary only for a few members.
    static let scannedMembersLimit = 32

    /// The most names ``scanClaims(_:)`` holds at once: those of an object and of the objects it is in.
    static let scannedNamesLimit = 64
}

extension JSONParser {
    fileprivate struct Reader {
        let bytes: UnsafeRawBufferPointer
        let maximumDepth: Int
        var index = 0
        /// The registered claims among the members of the outermost object.
        var registered = RegisteredClaims()

        init(bytes: UnsafeRawBufferPointer, maximumDepth: Int) {
            self.bytes = bytes
            self.maximumDepth = maximumDepth
        }

        func fail(_ message: String) -> Failure { Failure(description: message) }

        mutating func skipWhitespace() {
            while index < bytes.count {
                switch bytes[index] {
                case UInt8(ascii: " "), UInt8(ascii: "\n"), UInt8(ascii: "\r"), UInt8(ascii: "\t"): index += 1
                default: return
                }
            }
        }

        mutating func readValue(depth: Int) throws(Failure) -> JSONValue {
            guard index < bytes.count else { throw fail("Unexpected end of JSON") }
            switch bytes[index] {
            case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
            case UInt8(ascii: "["): return try readArray(depth: depth + 1)
            case UInt8(ascii: "\""): return .string(try readString())
            case UInt8(ascii: "t"):
                try readLiteral("true")
                return .bool(true)
            case UInt8(ascii: "f"):
                try readLiteral("false")
                return .bool(false)
            case UInt8(ascii: "n"):
                try readLiteral("null")
                return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
            default: throw fail("Unexpected character in JSON")
            }
        }

        mutating func readLiteral(_ literal: StaticString) throws(Failure) {
            let count = literal.utf8CodeUnitCount
            guard index + count <= bytes.count else { throw fail("Unexpected end of JSON") }
            let start = literal.utf8Start
            for offset in 0..<count where bytes[index + offset] != start[offset] {
                throw fail("Invalid JSON literal")
            }
            index += count
        }

        mutating func readObject(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maximumDepth else { throw fail("JSON nested too deeply") }
            index += 1
            // Room for a typical claims set up front: growing one member at a time rehashes every name.
            var members = [String: JSONValue](minimumCapacity: 12)
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { throw fail("Expected a member name") }
                let (name, claim) = try readMemberName()
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw fail("Expected ':' after a member name") }
                index += 1
                skipWhitespace()
                let value = try readValue(depth: depth)
                if depth == 1, let claim { registered.observe(claim, value) }
                guard members.updateValue(value, forKey: name) == nil else { throw fail("Duplicate member name") }
                skipWhitespace()
                guard index < bytes.count else { throw fail("Unexpected end of JSON") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "}"):
                    index += 1
                    return .object(members)
                default: throw fail("Expected ',' or '}' in an object")
                }
            }
        }

        mutating func readArray(depth: Int) throws(Failure) -> JSONValue {
            guard depth <= maximumDepth else { throw fail("JSON nested too deeply") }
            index += 1
            var elements: [JSONValue] = []
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return .array(elements)
            }
            // One allocation for a short array (roles, scopes, audiences) instead of growing from one element.
            elements.reserveCapacity(4)
            while true {
                skipWhitespace()
                elements.append(try readValue(depth: depth))
                skipWhitespace()
                guard index < bytes.count else { throw fail("Unexpected end of JSON") }
                switch bytes[index] {
                case UInt8(ascii: ","): index += 1
                case UInt8(ascii: "]"):
                    index += 1
                    return .array(elements)
                default: throw fail("Expected ',' or ']' in an array")
                }
            }
        }

        /// A member name, and the registered claim it names. A registered claim's name written without escapes is
        /// not made into a string again: its bytes are the claim's.
        mutating func readMemberName() throws(Failure) -> (String, RegisteredClaim?) {
            let start = index + 1
            for length in 3...4 where start + length < bytes.count && bytes[start + length] == UInt8(ascii: "\"") {
                if let claim = RegisteredClaim(UnsafeRawBufferPointer(rebasing: bytes[start..<start + length])) {
                    index = start + length + 1
                    return (claim.name, claim)
                }
            }
            let name = try readString()
            return (name, RegisteredClaim(name))
        }

        mutating func readString() throws(Failure) -> String {
            index += 1  // opening quote
            let start = index
            // Fast path: no escapes.
            var allBits: UInt8 = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == UInt8(ascii: "\"") {
                    let slice = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
                    index += 1
                    return try makeString(slice, isASCII: allBits < 0x80)
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("Control character in a JSON string") }
                allBits |= byte
                index += 1
            }
            guard index < bytes.count else { throw fail("Unterminated JSON string") }
            var scalars = [UInt8](UnsafeRawBufferPointer(rebasing: bytes[start..<index]))
            while index < bytes.count {
                let byte = bytes[index]
                switch byte {
                case UInt8(ascii: "\""):
                    index += 1
                    guard let string = String(validating: scalars, as: UTF8.self) else { throw fail("Invalid UTF-8 in a JSON string") }
                    return string
                case UInt8(ascii: "\\"):
                    index += 1
                    guard index < bytes.count else { throw fail("Unterminated JSON string") }
                    let escape = bytes[index]
                    index += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): scalars.append(escape)
                    case UInt8(ascii: "b"): scalars.append(0x08)
                    case UInt8(ascii: "f"): scalars.append(0x0C)
                    case UInt8(ascii: "n"): scalars.append(0x0A)
                    case UInt8(ascii: "r"): scalars.append(0x0D)
                    case UInt8(ascii: "t"): scalars.append(0x09)
                    case UInt8(ascii: "u"):
                        var code = UInt32(try readHex4())
                        if (0xD800...0xDBFF).contains(code) {
                            guard index + 1 < bytes.count, bytes[index] == UInt8(ascii: "\\"), bytes[index + 1] == UInt8(ascii: "u")
                            else { throw fail("Lone surrogate in a JSON string") }
                            index += 2
                            let low = UInt32(try readHex4())
                            guard (0xDC00...0xDFFF).contains(low) else { throw fail("Lone surrogate in a JSON string") }
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else if (0xDC00...0xDFFF).contains(code) {
                            throw fail("Lone surrogate in a JSON string")
                        }
                        guard let scalar = Unicode.Scalar(code) else { throw fail("Invalid escape in a JSON string") }
                        scalars.append(contentsOf: UTF8.encode(scalar)!)
                    default: throw fail("Invalid escape in a JSON string")
                    }
                default:
                    if byte < 0x20 { throw fail("Control character in a JSON string") }
                    scalars.append(byte)
                    index += 1
                }
            }
            throw fail("Unterminated JSON string")
        }

        mutating func readHex4() throws(Failure) -> UInt16 {
            guard index + 4 <= bytes.count else { throw fail("Invalid escape in a JSON string") }
            var value: UInt16 = 0
            for _ in 0..<4 {
                let byte = bytes[index]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("Invalid escape in a JSON string")
                }
                value = value << 4 | UInt16(digit)
                index += 1
            }
            return value
        }

        func makeString(_ buffer: UnsafeRawBufferPointer, isASCII: Bool) throws(Failure) -> String {
            // ASCII is valid UTF-8, and String(validating:as:) is slow on short strings.
            if isASCII { return String(decoding: buffer.assumingMemoryBound(to: UInt8.self), as: UTF8.self) }
            guard let string = String(validating: buffer, as: UTF8.self) else { throw fail("Invalid UTF-8 in a JSON string") }
            return string
        }

        mutating func readNumber() throws(Failure) -> JSONValue {
            if let integer = readShortInteger() { return integer }
            let start = index
            var isIntegral = true
            if bytes[index] == UInt8(ascii: "-") { index += 1 }
            guard index < bytes.count else { throw fail("Invalid JSON number") }
            if bytes[index] == UInt8(ascii: "0") {
                index += 1
                if index < bytes.count, isDigit(bytes[index]) { throw fail("Leading zero in a JSON number") }
            } else if isDigit(bytes[index]) {
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            } else {
                throw fail("Invalid JSON number")
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                isIntegral = false
                index += 1
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Invalid JSON number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            if index < bytes.count, bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E") {
                isIntegral = false
                index += 1
                if index < bytes.count, bytes[index] == UInt8(ascii: "+") || bytes[index] == UInt8(ascii: "-") { index += 1 }
                guard index < bytes.count, isDigit(bytes[index]) else { throw fail("Invalid JSON number") }
                while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            }
            let text = UnsafeRawBufferPointer(rebasing: bytes[start..<index])
            let negative = text[0] == UInt8(ascii: "-")
            // Up to 19 digits, the magnitude fits in a UInt64; Int64 takes -2^63 ... 2^63 - 1.
            if isIntegral, text.count - (negative ? 1 : 0) <= 19 {
                var magnitude: UInt64 = 0
                for byte in text.dropFirst(negative ? 1 : 0) { magnitude = magnitude * 10 + UInt64(byte - UInt8(ascii: "0")) }
                if negative, magnitude <= UInt64(Int64.max) + 1 { return .int(Int64(truncatingIfNeeded: 0 &- magnitude)) }
                if !negative, magnitude <= UInt64(Int64.max) { return .int(Int64(magnitude)) }
            }
            guard let double = Double(String(decoding: text, as: UTF8.self)), double.isFinite else {
                throw fail("JSON number out of range")
            }
            return .double(double)
        }

        /// The common case in one pass: an integer of 1 to 18 digits (no leading zero, no fraction or
        /// exponent), which cannot overflow. Anything else leaves `index` alone and returns nil.
        mutating func readShortInteger() -> JSONValue? {
            var cursor = index
            let negative = bytes[cursor] == UInt8(ascii: "-")
            if negative { cursor += 1 }
            let firstDigit = cursor
            var value: Int64 = 0
            while cursor < bytes.count, cursor - firstDigit < 19 {
                let digit = bytes[cursor] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                value = value &* 10 &+ Int64(digit)
                cursor += 1
            }
            let digits = cursor - firstDigit
            guard digits >= 1, digits <= 18, digits == 1 || bytes[firstDigit] != UInt8(ascii: "0") else { return nil }
            if cursor < bytes.count {
                switch bytes[cursor] {
                case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "0")...UInt8(ascii: "9"): return nil
                default: break
                }
            }
            index = cursor
            return .int(negative ? -value : value)
        }

        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

        // MARK: Scanning (``JSONParser/scanClaims(_:)``): true when the value is of the plain forms and valid, false
        // for anything the full parser must judge. Nothing here throws, and nothing is built but the known claims.

        mutating func scanValue(depth: Int, names: inout ScannedNames) -> Bool {
            guard index < bytes.count else { return false }
            switch bytes[index] {
            case UInt8(ascii: "{"):
                var ignored = KnownClaims()
                return scanObject(depth: depth + 1, names: &names, known: &ignored)
            case UInt8(ascii: "["): return scanArray(depth: depth + 1, names: &names)
            case UInt8(ascii: "\""): return scanString() != nil
            case UInt8(ascii: "t"): return scanLiteral("true")
            case UInt8(ascii: "f"): return scanLiteral("false")
            case UInt8(ascii: "n"): return scanLiteral("null")
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return readShortInteger() != nil
            default: return false
            }
        }

        mutating func scanLiteral(_ literal: StaticString) -> Bool {
            do throws(Failure) {
                try readLiteral(literal)
                return true
            } catch {
                return false
            }
        }

        /// An ASCII string without escapes or control characters; the range of its text.
        mutating func scanString() -> Range<Int>? {
            let start = index + 1
            var cursor = start
            while cursor < bytes.count {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: "\"") {
                    index = cursor + 1
                    return start..<cursor
                }
                guard byte >= 0x20, byte < 0x80, byte != UInt8(ascii: "\\") else { return nil }
                cursor += 1
            }
            return nil
        }

        /// Whether two ranges of the same length hold the same bytes: names of equal keys and lengths, longer than a
        /// ``JSONParser/ScannedName`` key holds.
        func sameBytes(_ a: Range<Int>, _ b: Range<Int>) -> Bool {
            for offset in 0..<a.count where bytes[a.lowerBound + offset] != bytes[b.lowerBound + offset] { return false }
            return true
        }

        mutating func scanArray(depth: Int, names: inout ScannedNames) -> Bool {
            guard depth <= maximumDepth else { return false }
            index += 1
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
                index += 1
                return true
            }
            while true {
                skipWhitespace()
                guard scanValue(depth: depth, names: &names), let ended = scanSeparator(closing: UInt8(ascii: "]")) else { return false }
                if ended { return true }
            }
        }

        /// What follows a value in an array or object: true when `closer` ends it, false after a comma, nil otherwise.
        mutating func scanSeparator(closing closer: UInt8) -> Bool? {
            skipWhitespace()
            guard index < bytes.count else { return nil }
            switch bytes[index] {
            case UInt8(ascii: ","):
                index += 1
                return false
            case closer:
                index += 1
                return true
            default: return nil
            }
        }

        /// An object whose member names are unique (compared byte for byte, which for ASCII without escapes is how
        /// the parser's `String` keys compare). At depth 1, the claims set itself, the values of the known claims are
        /// built into `known` and the registered ones observed as ``readObject(depth:)`` does.
        mutating func scanObject(depth: Int, names: inout ScannedNames, known: inout KnownClaims) -> Bool {
            guard depth <= maximumDepth else { return false }
            index += 1
            // This object's names are the end of `names`; they are dropped when it ends.
            let first = names.count
            defer { names.count = first }
            skipWhitespace()
            if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
                index += 1
                return true
            }
            while true {
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: "\""), let range = scanString(),
                    names.count - first < JSONParser.scannedMembersLimit
                else { return false }
                let name = ScannedName(range, in: bytes)
                for other in first..<names.count where names[other].key == name.key {
                    // The key holds a length up to 255: longer names compare their lengths here.
                    if range.count <= 7 || (names[other].range.count == range.count && sameBytes(names[other].range, range)) {
                        return false
                    }
                }
                guard names.append(name) else { return false }
                skipWhitespace()
                guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return false }
                index += 1
                skipWhitespace()
                if depth == 1, let claim = KnownClaim(UnsafeRawBufferPointer(rebasing: bytes[range])) {
                    do throws(Failure) {
                        let value = try readValue(depth: depth)
                        if let registered = claim.registered { self.registered.observe(registered, value) }
                        known[claim] = value
                    } catch {
                        return false
                    }
                } else {
                    guard scanValue(depth: depth, names: &names) else { return false }
                }
                guard let ended = scanSeparator(closing: UInt8(ascii: "}")) else { return false }
                if ended { return true }
            }
        }
    }
}
