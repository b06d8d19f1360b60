package import JWTAuth

/// Reads `Authorization: Bearer <token>`: the scheme in any case, one or more spaces, exactly one token.
package enum BearerAuthorization {
    /// The token of one `Authorization` field value.
    /// - Throws: `invalid_header` for another scheme or not exactly one token.
    package static func token(in field: String) throws(JWTAuthError) -> String {
        var value = field
        let token = value.withUTF8 { utf8 -> String? in
            guard utf8.count > 7, isBearerScheme(utf8), utf8[6] == UInt8(ascii: " ") else { return nil }
            var start = 6
            while start < utf8.count, utf8[start] == UInt8(ascii: " ") { start += 1 }
            var end = utf8.count
            while end > start, utf8[end - 1] == UInt8(ascii: " ") || utf8[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            let token = UnsafeBufferPointer(rebasing: utf8[start..<end])
            guard !token.isEmpty, !token.contains(where: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: ",") }) else {
                return nil
            }
            return String(decoding: token, as: UTF8.self)
        }
        guard let token else { throw .invalidHeader() }
        return token
    }

    /// Whether the first six bytes are `bearer` in any case (ASCII only: setting bit 0x20 lowercases
    /// exactly the letters, and no other byte becomes one of these lowercase letters that way).
    private static func isBearerScheme(_ utf8: UnsafeBufferPointer<UInt8>) -> Bool {
        utf8.count >= 6 && zip(utf8[0..<6], "bearer".utf8).allSatisfy { $0 | 0x20 == $1 }
    }
}
