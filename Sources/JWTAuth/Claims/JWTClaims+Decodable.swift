import FoundationEssentials

extension JWTClaims {
    /// The claim `name` decoded as `T` (e.g. `[String].self`, or a struct of your own).
    /// - Throws: `DecodingError` when the claim is absent or has another shape.
    public func value<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let member = members[name] else {
            throw DecodingError.keyNotFound(
                Key(stringValue: name),
                DecodingError.Context(codingPath: [], debugDescription: "No claim \(name)")
            )
        }
        return try JSONDecoder().decode(T.self, from: Data(JSONWriter.encode(member)))
    }

    /// The whole claims set decoded as `T`, for applications that keep their claims in a struct.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(JSONWriter.encode(.object(members))))
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}

extension JSONValue {
    /// A JSON value from any `Encodable` (for claims given at issue time).
    public init(encoding value: some Encodable) throws {
        let data = try JSONEncoder().encode(value)
        self = try JSONParser().parse(Array(data))
    }
}
