extension TokenVerifier {
    /// The same verifier with other keys: configuration, revocation store, cache and clock are kept.
    ///
    /// The cache stays valid across key sets: an entry names the key that verified it, and is used only
    /// while that key is still in the set.
    /// - Throws: `invalid_configuration` for an empty key set.
    public func replacingKeys(_ keys: JWTKeySet) throws(JWTAuthError) -> TokenVerifier {
        try TokenVerifier(keys: keys, configuration: configuration, revocationStore: revocationStore, cache: cache, clock: clock)
    }
}
