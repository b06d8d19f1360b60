import FoundationEssentials

/// Decodes a `Decodable` straight from a ``JSONValue``, with no JSON text in between.
///
/// It reads as `JSONDecoder` does, except that a `Date` is a NumericDate (seconds since 1970, as `exp`
/// and `iat` are); a `URL` is a string, `Data` is base64 and a `Decimal` is a number. Integers must fit their type exactly.
/// Failures are `DecodingError`s with the coding path of the member at fault.
struct JSONValueDecoder: Decoder {
    let value: JSONValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(_ value: JSONValue, codingPath: [any CodingKey] = []) {
        self.value = value
        self.codingPath = codingPath
    }

    /// Decodes `T` from `value`.
    static func decode<T: Decodable>(_ type: T.Type, from value: JSONValue) throws -> T {
        try JSONValueDecoder(value).decodeValue(T.self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .object(let members) = value else { throw mismatch([String: JSONValue].self) }
        return KeyedDecodingContainer(KeyedContainer<Key>(members: members, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let elements) = value else { throw mismatch([JSONValue].self) }
        return UnkeyedContainer(elements: elements, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    /// `T` from this value, with the special cases of `JSONDecoder` (and a NumericDate for `Date`).
    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if T.self == Date.self {
            guard let seconds = value.doubleValue else { throw mismatch(Date.self, "a NumericDate (seconds since 1970)") }
            return Date(timeIntervalSince1970: seconds) as! T
        }
        if T.self == URL.self {
            guard case .string(let text) = value, let url = URL(string: text) else { throw mismatch(URL.self, "a URL string") }
            return url as! T
        }
        if T.self == Decimal.self {
            switch value {
            case .int(let int): return Decimal(int) as! T
            case .double(let double): return Decimal(double) as! T
            default: throw mismatch(Decimal.self)
            }
        }
        if T.self == Data.self {
            guard case .string(let text) = value, let data = Data(base64Encoded: text) else { throw mismatch(Data.self, "base64 text") }
            return data as! T
        }
        return try T(from: self)
    }

    func mismatch(_ type: Any.Type, _ expected: String? = nil) -> DecodingError {
        if value == .null {
            return .valueNotFound(type, DecodingError.Context(codingPath: codingPath, debugDescription: "Expected \(type) but found null"))
        }
        let description = "Expected \(expected ?? "\(type)") but found \(value.kindName)"
        return .typeMismatch(type, DecodingError.Context(codingPath: codingPath, debugDescription: description))
    }

    func integer<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        guard let wide = value.intValue else { throw mismatch(T.self) }
        guard let exact = T(exactly: wide) else {
            throw DecodingError.dataCorrupted(DecodingError.Context(codingPath: codingPath, debugDescription: "\(wide) does not fit in \(T.self)"))
        }
        return exact
    }
}

extension JSONValueDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { value == .null }

    func decode(_ type: Bool.Type) throws -> Bool {
        guard case .bool(let bool) = value else { throw mismatch(Bool.self) }
        return bool
    }

    func decode(_ type: String.Type) throws -> String {
        guard case .string(let string) = value else { throw mismatch(String.self) }
        return string
    }

    func decode(_ type: Double.Type) throws -> Double {
        guard let double = value.doubleValue else { throw mismatch(Double.self) }
        return double
    }

    func decode(_ type: Float.Type) throws -> Float {
        guard let double = value.doubleValue else { throw mismatch(Float.self) }
        return Float(double)
    }

    func decode(_ type: Int.Type) throws -> Int { try integer(Int.self) }
    func decode(_ type: Int8.Type) throws -> Int8 { try integer(Int8.self) }
    func decode(_ type: Int16.Type) throws -> Int16 { try integer(Int16.self) }
    func decode(_ type: Int32.Type) throws -> Int32 { try integer(Int32.self) }
    func decode(_ type: Int64.Type) throws -> Int64 { try integer(Int64.self) }
    func decode(_ type: UInt.Type) throws -> UInt { try integer(UInt.self) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try integer(UInt8.self) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try integer(UInt16.self) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try integer(UInt32.self) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try integer(UInt64.self) }

    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decodeValue(T.self) }
}

extension JSONValueDecoder {
    struct KeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
        let members: [String: JSONValue]
        let codingPath: [any CodingKey]

        var allKeys: [Key] { members.keys.compactMap { Key(stringValue: $0) } }

        func contains(_ key: Key) -> Bool { members[key.stringValue] != nil }

        func member(_ key: Key) throws -> JSONValueDecoder {
            guard let value = members[key.stringValue] else {
                let context = DecodingError.Context(codingPath: codingPath, debugDescription: "No member \"\(key.stringValue)\"")
                throw DecodingError.keyNotFound(key, context)
            }
            return JSONValueDecoder(value, codingPath: codingPath + [key])
        }

        func decodeNil(forKey key: Key) throws -> Bool { try member(key).decodeNil() }

        func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T { try member(key).decodeValue(T.self) }

        func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
            try member(key).container(keyedBy: NestedKey.self)
        }

        func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
            try member(key).unkeyedContainer()
        }

        func superDecoder() throws -> any Decoder {
            JSONValueDecoder(members["super"] ?? .null, codingPath: codingPath + [ClaimKey("super")])
        }

        func superDecoder(forKey key: Key) throws -> any Decoder {
            JSONValueDecoder(members[key.stringValue] ?? .null, codingPath: codingPath + [key])
        }
    }

    struct UnkeyedContainer: UnkeyedDecodingContainer {
        let elements: [JSONValue]
        let codingPath: [any CodingKey]
        private(set) var currentIndex = 0

        init(elements: [JSONValue], codingPath: [any CodingKey]) {
            self.elements = elements
            self.codingPath = codingPath
        }

        var count: Int? { elements.count }
        var isAtEnd: Bool { currentIndex >= elements.count }

        mutating func next() throws -> JSONValueDecoder {
            let key = ClaimKey(index: currentIndex)
            guard !isAtEnd else {
                let context = DecodingError.Context(codingPath: codingPath + [key], debugDescription: "The array has no more elements")
                throw DecodingError.valueNotFound(Any.self, context)
            }
            defer { currentIndex += 1 }
            return JSONValueDecoder(elements[currentIndex], codingPath: codingPath + [key])
        }

        mutating func decodeNil() throws -> Bool {
            guard !isAtEnd, elements[currentIndex] == .null else { return false }
            currentIndex += 1
            return true
        }

        mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(T.self) }

        mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
            try next().container(keyedBy: NestedKey.self)
        }

        mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }

        mutating func superDecoder() throws -> any Decoder { try next() }
    }
}

/// A member name or array index in a coding path.
struct ClaimKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ name: String) {
        self.stringValue = name
        self.intValue = nil
    }

    init(index: Int) {
        self.stringValue = "Index \(index)"
        self.intValue = index
    }

    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}

extension JSONValue {
    /// What kind of value this is, for error messages (never the value itself, which may be a secret).
    var kindName: String {
        switch self {
        case .null: "null"
        case .bool: "a boolean"
        case .int, .double: "a number"
        case .string: "a string"
        case .array: "an array"
        case .object: "an object"
        }
    }
}

extension JSONValue {
    /// `T` decoded from this value as claims are (for request bodies that other modules have parsed).
    /// - Throws: `DecodingError` naming the member at fault.
    package func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONValueDecoder.decode(T.self, from: self)
    }
}
