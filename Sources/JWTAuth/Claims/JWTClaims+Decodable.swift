import FoundationEssentials

extension JWTClaims {
    /// The claim `name` decoded as `T` (e.g. `[String].self`, or a struct of your own).
    ///
    /// Read straight from the parsed claims, with no JSON text in between; a `Date` reads a NumericDate
    /// (seconds since 1970).
    /// - Throws: `DecodingError` when the claim is absent or has another shape: the claims are signed, so a
    ///   mismatch is the application's type disagreeing with its issuer, not a bad token.
    public func value<T: Decodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        guard let member = members[name] else {
            throw DecodingError.keyNotFound(ClaimKey(name), DecodingError.Context(codingPath: [], debugDescription: "No claim \(name)"))
        }
        return try JSONValueDecoder(member, codingPath: [ClaimKey(name)]).decodeValue(T.self)
    }

    /// The whole claims set decoded as `T` (`get_jwt()` into a struct of your own).
    ///
    /// Read straight from the parsed claims, with no JSON text in between; a `Date` reads a NumericDate
    /// (seconds since 1970), so `exp` and `iat` can be `Date` properties.
    /// - Throws: `DecodingError` naming the member at fault when the claims do not fit `T`.
    public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
        try JSONValueDecoder.decode(T.self, from: .object(members))
    }
}

extension JSONValue {
    /// A JSON value from any `Encodable` (for claims given at issue time); a `Date` becomes a NumericDate
    /// (seconds since 1970).
    /// - Throws: `EncodingError` when `value` cannot be encoded (a non-finite number, for instance).
    public init(encoding value: some Encodable) throws {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .secondsSince1970
        let data = try encoder.encode(value)
        self = try JSONParser().parse(Array(data))
    }
}
