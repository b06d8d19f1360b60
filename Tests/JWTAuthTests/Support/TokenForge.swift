import Crypto
import JWTAuth

/// Builds tokens by hand, for tests that need tokens an issuer would never make.
enum TokenForge {
    /// The base64url of `text`'s UTF-8 bytes.
    static func segment(_ text: String) -> String { Base64URL.encode(Array(text.utf8)) }

    /// The base64url of raw bytes.
    static func segment(_ bytes: [UInt8]) -> String { Base64URL.encode(bytes) }

    /// The base64url of a JSON value written with sorted member names.
    static func segment(_ value: JSONValue) -> String { Base64URL.encode(JSONWriter.encode(value, sortedKeys: true)) }

    /// The header a key's tokens carry: `alg`, `typ` and `kid` when the key has one.
    static func header(for key: JWTKey, _ extra: [String: JSONValue] = [:]) -> JSONValue {
        var members: [String: JSONValue] = ["alg": .string(key.algorithm.name), "typ": "JWT"]
        if let keyID = key.keyID { members["kid"] = .string(keyID) }
        members.merge(extra) { _, new in new }
        return .object(members)
    }

    /// Claims an access token issued at `now` would carry, with `overriding` applied and `removing` left out.
    static func claims(at now: Double, overriding: [String: JSONValue] = [:], removing: Set<String> = []) -> JSONValue {
        let issuedAt = Int64(now)
        var members: [String: JSONValue] = [
            "sub": "42", "iat": .int(issuedAt), "nbf": .int(issuedAt), "exp": .int(issuedAt + 900),
            "jti": "3f0e5f0c-8d9e-4c53-9a77-0b2f6d3c1e11", "type": "access", "sid": "b6c1f4f2-5d0a-4f63-a3c9-2f7e1d9a0b42",
        ]
        members.merge(overriding) { _, new in new }
        for name in removing { members[name] = nil }
        return .object(members)
    }

    /// `header.payload.signature`, with `key` signing exactly the two segments given.
    static func sign(_ headerSegment: String, _ payloadSegment: String, with key: JWTKey) throws -> String {
        let input = headerSegment + "." + payloadSegment
        return input + "." + Base64URL.encode(try key.sign(Array(input.utf8)))
    }

    /// A token with this header and these claims, signed by `key`.
    static func token(header: JSONValue, claims: JSONValue, key: JWTKey) throws -> String {
        try sign(segment(header), segment(claims), with: key)
    }

    /// A token with `key`'s usual header and these claims.
    static func token(claims: JSONValue, key: JWTKey) throws -> String {
        try token(header: header(for: key), claims: claims, key: key)
    }

    /// The dot-separated segments of a token, empty ones included.
    static func segments(_ token: String) -> [String] {
        token.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
    }

    /// The decoded signature of a well-formed token.
    static func signature(of token: String) -> [UInt8] {
        Base64URL.decode(segments(token)[2]) ?? []
    }

    /// The token with its signature segment replaced by the encoding of `bytes`.
    static func replacingSignature(of token: String, with bytes: [UInt8]) -> String {
        let parts = segments(token)
        return parts[0] + "." + parts[1] + "." + Base64URL.encode(bytes)
    }

    /// What an attacker computes: an HS256 token whose HMAC secret is `secret`, whatever it is.
    static func hs256(header: JSONValue, claims: JSONValue, secret: [UInt8]) -> String {
        let input = segment(header) + "." + segment(claims)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(input.utf8), using: SymmetricKey(data: secret))
        return input + "." + Base64URL.encode(Array(mac))
    }
}
