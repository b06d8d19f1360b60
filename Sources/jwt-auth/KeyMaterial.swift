import AuthServer
import Foundation
import JWTAuth

/// Key material as `--key` or `--secret` gave it, before it is bound to an algorithm.
enum KeyMaterial {
    case pem(String)
    case jwk([String: JSONValue])
    /// A secret's text: its UTF-8 bytes, or binary after a `base64:` prefix.
    case secret(String)
    /// A secret file that is not UTF-8 text, taken byte for byte.
    case binarySecret([UInt8])

    /// A key file's contents: PEM when the text holds `-----BEGIN`, a JWK or the keys of a JWK Set when it
    /// starts with `{`, otherwise a secret without its final line break.
    /// - Throws: `invalid_key` for `{` text that is not a JSON object, or a JWK Set whose keys are not objects.
    static func parse(_ bytes: [UInt8]) throws(JWTAuthError) -> (materials: [KeyMaterial], isSet: Bool) {
        guard let text = String(validating: bytes, as: UTF8.self) else { return ([.binarySecret(bytes)], false) }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains("-----BEGIN") { return ([.pem(trimmed)], false) }
        if trimmed.hasPrefix("{") {
            guard let members = try? JSONParser().parseObject(Array(trimmed.utf8)) else {
                throw .invalidKey("The key is not a JSON object (a JWK or a JWK Set)")
            }
            guard let keys = members["keys"] else { return ([.jwk(members)], false) }
            guard let entries = keys.arrayValue?.compactMap(\.objectValue), entries.count == keys.arrayValue?.count else {
                throw .invalidKey("The JWK Set's keys is not an array of objects")
            }
            return (entries.map(KeyMaterial.jwk), true)
        }
        var secret = Substring(text)
        while let last = secret.last, last == "\n" || last == "\r" || last == "\r\n" { secret = secret.dropLast() }
        return ([.secret(String(secret))], false)
    }

    /// True for an HMAC secret given as such, not as a JWK.
    var isSecret: Bool {
        switch self {
        case .secret, .binarySecret: true
        case .pem, .jwk: false
        }
    }

    /// The key for `algorithm`, or for the material's own default algorithm when nil.
    /// - Throws: `invalid_key`, also when the material does not fit `algorithm`.
    func key(algorithm: SigningAlgorithm?, allowWeakSecret: Bool) throws(JWTAuthError) -> JWTKey {
        switch self {
        // A key of the service's key store names its algorithm in an `alg:` line before the PEM.
        case .pem(let text):
            if let algorithm { try JWTKey(pem: text, algorithm: algorithm) } else { try JWTKey(storedText: text) }
        case .jwk(let members): try JWTKey(jwk: members, algorithm: algorithm, allowWeakSecret: allowWeakSecret)
        case .secret(let text): try JWTKey.hmac(secret: text, algorithm: algorithm ?? .hs256, allowWeakSecret: allowWeakSecret)
        case .binarySecret(let bytes): try JWTKey.hmac(bytes, algorithm: algorithm ?? .hs256, allowWeakSecret: allowWeakSecret)
        }
    }
}
