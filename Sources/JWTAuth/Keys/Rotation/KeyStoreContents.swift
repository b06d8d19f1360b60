/// What a ``KeyStore`` holds at one moment: its keys, which one is current, and when the others retire.
public struct KeyStoreContents: Sendable {
    /// The keys still verifying, each with its `kid`: private keys for generated keys, public halves otherwise.
    public var keys: [JWTKey]
    /// The `kid` of the key new tokens are signed with; nil when no key is current.
    public var currentKeyID: String?
    /// The keys that are not current, by `kid`, with the Unix time they retire (nil: not stamped yet).
    public var retirements: [String: Double?]

    public init(keys: [JWTKey] = [], currentKeyID: String? = nil, retirements: [String: Double?] = [:]) {
        self.keys = keys
        self.currentKeyID = currentKeyID
        self.retirements = retirements
    }

    /// The earliest retirement time of a key still held.
    public var nextRetirement: Double? { retirements.values.compactMap { $0 }.min() }

    /// The current key, when the store holds its private key.
    public var signingKey: JWTKey? {
        keys.first { $0.keyID != nil && $0.keyID == currentKeyID && $0.canSign }
    }
}
