/// The header and plaintext of a JWE that decrypted under one of the configured keys.
public struct DecryptedToken: Sendable, Hashable {
    public let header: JWEHeader
    public let plaintext: [UInt8]
}
