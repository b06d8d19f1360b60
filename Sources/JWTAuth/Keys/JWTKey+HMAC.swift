import Crypto
import FoundationEssentials

extension JWTKey {
    /// The shortest HMAC secret accepted without `allowWeakSecret`, in bytes (for HS256).
    public static let minimumHMACSecretLength = 32

    /// The shortest secret `algorithm` accepts without `allowWeakSecret`: its hash size (RFC 7518 §3.2),
    /// 32, 48 or 64 bytes.
    public static func minimumSecretLength(for algorithm: SigningAlgorithm) -> Int {
        max(minimumHMACSecretLength, algorithm.digestBits / 8)
    }

    /// An HMAC key from raw secret bytes.
    ///
    /// - Throws: `invalid_key` for a secret shorter than the algorithm's hash (32, 48 or 64 bytes) unless
    ///   `allowWeakSecret` is set, for a non-HMAC algorithm, or for a secret that is really an asymmetric
    ///   key (PEM, JWK, SSH): using a public key as an HMAC secret is the classic algorithm-confusion attack.
    public static func hmac(
        _ secret: some Collection<UInt8>,
        algorithm: SigningAlgorithm = .hs256,
        keyID: String? = nil,
        allowWeakSecret: Bool = false
    ) throws(JWTAuthError) -> JWTKey {
        let bytes = Array(secret)
        guard algorithm.family == .hmac else { throw .invalidKey("\(algorithm) is not an HMAC algorithm") }
        guard !bytes.isEmpty else { throw .invalidKey("The HMAC secret is empty") }
        let minimum = minimumSecretLength(for: algorithm)
        guard allowWeakSecret || bytes.count >= minimum else {
            throw .invalidKey("The HMAC secret is shorter than \(minimum) bytes, the size of the \(algorithm) hash")
        }
        guard !looksAsymmetric(bytes) else {
            throw .invalidKey("The specified key is an asymmetric key and should not be used as an HMAC secret")
        }
        return try JWTKey(material: .hmac(SymmetricKey(data: bytes)), algorithm: algorithm, keyID: keyID)
    }

    /// An HMAC key from a secret's UTF-8 bytes, or from `base64:`-prefixed binary.
    public static func hmac(
        secret: String,
        algorithm: SigningAlgorithm = .hs256,
        keyID: String? = nil,
        allowWeakSecret: Bool = false
    ) throws(JWTAuthError) -> JWTKey {
        if secret.hasPrefix("base64:") {
            guard let bytes = Data(base64Encoded: String(secret.dropFirst(7))) else {
                throw .invalidKey("The base64: secret is not valid base64")
            }
            return try hmac(Array(bytes), algorithm: algorithm, keyID: keyID, allowWeakSecret: allowWeakSecret)
        }
        return try hmac(Array(secret.utf8), algorithm: algorithm, keyID: keyID, allowWeakSecret: allowWeakSecret)
    }

    private static func looksAsymmetric(_ bytes: [UInt8]) -> Bool {
        // A PEM block anywhere (after a byte-order mark, a comment or a certificate's text dump).
        let whole = String(decoding: bytes, as: UTF8.self)
        if whole.contains("-----BEGIN") { return true }
        let text = whole.drop { $0.isWhitespace || $0 == "\u{FEFF}" }
        let markers = ["ssh-rsa", "ssh-ed25519", "ecdsa-sha2-"]
        if markers.contains(where: { text.hasPrefix($0) }) { return true }
        // A JSON Web Key of an asymmetric type, or a JWK Set holding one.
        if text.hasPrefix("{"), let object = try? JSONParser().parseObject(Array(text.utf8)) {
            let keys = object["keys"]?.arrayValue ?? [.object(object)]
            return keys.contains { key in key["kty"]?.stringValue.map { $0 != "oct" } ?? false }
        }
        return false
    }
}
