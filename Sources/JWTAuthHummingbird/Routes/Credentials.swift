import Foundation
public import JWTAuth

/// The rules for usernames and passwords of DESIGN.md.
public enum Credentials {
    /// A username: NFC-normalised, 1 to 64 characters (Unicode code points, as JSON Schema and Python
    /// count them; a grapheme cluster can hold any number of combining marks), no control characters.
    /// - Throws: `bad_request` naming the rule broken.
    public static func username(_ raw: String) throws(JWTAuthError) -> String {
        let name = raw.precomposedStringWithCanonicalMapping
        guard !name.isEmpty else { throw .badRequest("username must not be empty") }
        guard name.unicodeScalars.count <= 64 else { throw .badRequest("username must be at most 64 characters") }
        guard !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("username must not contain control characters")
        }
        return name
    }

    /// A password: 8 to 72 bytes of UTF-8 and no NUL; longer is refused, never truncated.
    /// - Throws: `bad_request` naming the rule broken.
    public static func password(_ password: String, field: String = "password") throws(JWTAuthError) -> String {
        let count = password.utf8.count
        guard count >= 8 else { throw .badRequest("\(field) must be at least 8 bytes") }
        guard count <= 72 else { throw .badRequest("\(field) must be at most 72 bytes") }
        guard !password.utf8.contains(0) else { throw .badRequest("\(field) must not contain NUL") }
        return password
    }
}
