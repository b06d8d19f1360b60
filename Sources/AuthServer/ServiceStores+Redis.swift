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
        record: some ServiceDatabase,
        _ configuration: AuthServerConfiguration,
        _ clock: JWTClock,
        _ logger: Logger
    ) throws -> (store: RedisBlocklist, client: RedisClient) {
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
        let store = RedisBlocklist(record: record, redis: redis, snapshot: { try await record.revocationSnapshot() }, clock: clock)
        return (store, client)
    }
}
