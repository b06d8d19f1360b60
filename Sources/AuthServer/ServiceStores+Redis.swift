import JWTAuth
import JWTAuthRedis
import Logging

extension ServiceStores {
    /// The Redis blocklist (`BLOCKLIST_URL=redis://…`) in front of the database store `record`.
    ///
    /// Cutoffs expire in Redis once every token they concern has (refresh lifetime plus leeway); the
    /// database keeps them, and refills Redis when it comes back empty.
    static func redisBlocklist(
        url: String,
        record: any RevocationStore,
        snapshot: @escaping @Sendable () async throws -> RevocationIndex,
        _ configuration: AuthServerConfiguration,
        _ clock: JWTClock,
        _ logger: Logger
    ) throws -> (store: RedisBlocklist, check: @Sendable () async throws -> Void, close: @Sendable () async -> Void) {
        let redisConfiguration: RedisConfiguration
        do {
            redisConfiguration = try RedisConfiguration(url: url)
        } catch {
            throw ConfigurationError(setting: "JWT_AUTH_BLOCKLIST_URL", message: error.message)
        }
        var redisLogger = logger
        redisLogger[metadataKey: "store"] = "redis"
        let client = RedisClient(configuration: redisConfiguration, logger: redisLogger)
        let redis = RedisRevocationStore(
            client: client,
            cutoffLifetime: configuration.tokens.refreshTokenLifetime + configuration.tokens.leeway,
            clock: clock
        )
        let store = RedisBlocklist(record: record, redis: redis, snapshot: snapshot, clock: clock)
        return (store, { try await client.ping() }, { await client.close() })
    }
}
