extension RotatingKeySource {
    /// A source over `store` that signs with a key of `algorithm`: the store's current key when it is a private
    /// key of `algorithm`, otherwise a new one, generated, stored and made current (on the first start, or after
    /// a change of algorithm). Keys that stop being current keep verifying for
    /// ``retirementDelay(for:recheckInterval:)`` of `configuration`, then retire.
    ///
    /// Creates the store's directory if needed, and reads it before writing anything, so that a store holding a
    /// key it cannot read fails here. Defaults to the system clock and a look at the store every second.
    /// - Throws: the store's errors (`invalid_key` for a key it cannot read, `unavailable` when it cannot be
    ///   written).
    public convenience init(
        store: any KeyStore,
        signingWith algorithm: SigningAlgorithm,
        configuration: TokenConfiguration = TokenConfiguration(),
        clock: JWTClock = .system,
        recheckInterval: Duration = .seconds(1)
    ) async throws {
        try await store.prepare()
        let now = clock.now
        _ = try await store.read(now: now)
        _ = try await store.currentOrNewSigningKey(algorithm: algorithm, now: now)
        try await self.init(
            store: store,
            clock: clock,
            recheckInterval: recheckInterval,
            retirementDelay: Self.retirementDelay(for: configuration, recheckInterval: recheckInterval)
        )
    }

    /// How long a key keeps verifying after it stopped being current: the longer token lifetime plus the
    /// leeway, since a token signed just before is valid that long, plus `recheckInterval`, during which another
    /// instance on a shared store may still sign with it.
    public static func retirementDelay(for configuration: TokenConfiguration, recheckInterval: Duration = .seconds(1)) -> Duration {
        max(configuration.accessTokenLifetime, configuration.refreshTokenLifetime) + configuration.leeway + recheckInterval
    }
}
