import Foundation
public import JWTAuth

/// The rules for usernames and passwords: new ones (registration, password change) and presented ones
/// (login).
public enum Credentials {
    /// A username as stored and shown: RFC 8265's UsernameCasePreserved form (see ``JWTAuth/Username``): width
    /// mapping, NFC, the IdentifierClass (no spaces, invisible or bidi-control characters), the bidi rule,
    /// 1 to 64 code points (as JSON Schema and Python count them), at most 4 combining marks on one
    /// character. Stores compare names by ``JWTAuth/Username/key(_:)``.
    /// - Throws: `bad_request` naming the rule broken.
    public static func username(_ raw: String) throws(JWTAuthError) -> String {
        try Username(raw).value
    }

    /// The form of a valid username under which names are compared (one account per key): RFC 8265's
    /// UsernameCaseMapped, ``JWTAuth/Username/key(_:)``.
    public static func comparisonKey(_ username: String) -> String {
        Username.key(username)
    }

    /// A username presented at login: anything that could be a stored name. Only what never can be (empty,
    /// over 64 characters, control characters: names were never stored so) is refused; any other name is
    /// looked up by its ``comparisonKey(_:)``, so that names stored before the RFC 8265 rules still log in.
    /// - Throws: `bad_request` naming the rule broken.
    public static func presentedUsername(_ raw: String) throws(JWTAuthError) -> String {
        let scalars = raw.precomposedStringWithCanonicalMapping.unicodeScalars
        guard !scalars.isEmpty else { throw .badRequest("username must not be empty") }
        guard scalars.count <= Username.maximumLength else {
            throw .badRequest("username must be at most \(Username.maximumLength) characters")
        }
        guard !scalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .badRequest("username must not contain control characters")
        }
        return raw
    }

    /// A password presented at login: anything that could be a stored password. Only what never can be
    /// (over 72 bytes, a NUL) is refused; a short one is checked like any other and fails as a wrong
    /// password would, since it may have been set under an older policy.
    /// - Throws: `bad_request` naming the rule broken.
    public static func presentedPassword(_ password: String) throws(JWTAuthError) -> String {
        guard password.utf8.count <= 72 else { throw .badRequest("password must be at most 72 bytes") }
        guard !password.utf8.contains(0) else { throw .badRequest("password must not contain NUL") }
        return password
    }

    /// A new password: 8 to 72 bytes of UTF-8 and no NUL; longer is refused, never truncated.
    /// - Throws: `bad_request` naming the rule broken.
    public static func password(_ password: String, field: String = "password") throws(JWTAuthError) -> String {
        let count = password.utf8.count
        guard count >= 8 else { throw .badRequest("\(field) must be at least 8 bytes") }
        guard count <= 72 else { throw .badRequest("\(field) must be at most 72 bytes") }
        guard !password.utf8.contains(0) else { throw .badRequest("\(field) must not contain NUL") }
        return password
    }

    /// A role name: 1 to 64 ASCII letters, digits and `.`, `_`, `-`, `:`, `/`. Gateways read roles from a
    /// comma-separated header (`X-Auth-Roles`) and OAuth introspection from a space-separated `scope`, so a
    /// comma, a space or any other character could make one role read as two.
    /// - Throws: `bad_request` naming the role.
    public static func role(_ role: String) throws(JWTAuthError) -> String {
        let allowed = role.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
            case UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"), UInt8(ascii: "/"): true
            default: false
            }
        }
        guard (1...64).contains(role.utf8.count), allowed else {
            throw .badRequest("Invalid role \"\(role)\": use 1 to 64 letters, digits, '.', '_', '-', ':' or '/'")
        }
        return role
    }
}
