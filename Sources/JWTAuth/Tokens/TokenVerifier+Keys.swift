extension TokenVerifier {
    /// The same verifier with other keys: configuration, revocation and session stores, cache and clock are kept.
    ///
    /// The cache stays valid across key sets: an entry names the key that verified it, and is used only
    /// while that key is still in the set.
    /// - Throws: `invalid_configuration` for an empty key set.
    public func replacingKeys(_ keys: JWTKeySet) throws(JWTAuthError) -> TokenVerifier {
        try TokenVerifier(
            keys: keys,
            configuration: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock,
            decryptingWith: decrypter
        ).checkingSessions(in: sessionStore)
    }
}

extension TokenVerifier {
    /// A verifier that holds no key yet and refuses every token until ``replacingKeys(_:)`` gives it some: the
    /// base of a verifier whose keys come from a key source.
    /// - Throws: `invalid_configuration` for bad settings.
    package init(
        awaitingKeys configuration: TokenConfiguration,
        revocationStore: (any RevocationStore)?,
        cache: VerifiedTokenCache?,
        clock: JWTClock,
        decrypter: JWEDecrypter? = nil
    ) throws(JWTAuthError) {
        try self.init(
            checking: JWTKeySet(),
            configuration: configuration,
            revocationStore: revocationStore,
            cache: cache,
            clock: clock,
            decrypter: decrypter
        )
    }
}
