import JWTAuth
import JWTAuthRedis
import Logging

extension ServiceStores {
    /// The Redis blocklist (`BLOCKLIST_URL=redis://…`) in front of the database store `record`.
    ///
    /// Cutoffs expire in Redis after the access lifetime plus leeway: by then every access token they concern has
    /// expired, and the sessions they ended are refused at refresh by the database, which keeps the cutoffs and
    /// refills Redis when it comes back empty.
    static func redisBlocklist(
        url: String,
        record: some ServiceDatabase,
        _ configuration: AuthServerConfiguration,
        _ clock: JWTClock,
        _ logger: Logger
    ) throws -> (store: RedisBlocklist, client: RedisClient) {
        var redisConfiguration: RedisConfiguration
        do {
            redisConfiguration = try RedisConfiguration(url: url)
        } catch {
            throw ConfigurationError(setting: "JWT_AUTH_BLOCKLIST_URL", message: error.message)
        }
        try applyTLSSettings(configuration, to: &redisConfiguration)
        var redisLogger = logger
        redisLogger[metadataKey: "store"] = "redis"
        let client = RedisClient(configuration: redisConfiguration, logger: redisLogger)
        let redis = RedisRevocationStore(
            client: client,
            cutoffLifetime: configuration.tokens.accessTokenLifetime + configuration.tokens.leeway,
            clock: clock
        )
        let store = RedisBlocklist(record: record, redis: redis, snapshot: { try await record.revocationSnapshot() }, clock: clock)
        return (store, client)
    }

    /// `REDIS_CA_FILE` and `REDIS_SERVER_NAME`, for a `rediss://` URL only; the CA file is read now, so that one
    /// that cannot be used stops start-up.
    private static func applyTLSSettings(_ configuration: AuthServerConfiguration, to redis: inout RedisConfiguration) throws {
        for (setting, value) in [("REDIS_CA_FILE", configuration.redisCAFile), ("REDIS_SERVER_NAME", configuration.redisServerName)]
        where value != nil && redis.tls == nil {
            throw ConfigurationError(setting: "JWT_AUTH_\(setting)", message: "needs a rediss:// or rediss+sentinel:// blocklist URL")
        }
        guard redis.tls != nil else { return }
        let tls = RedisTLS(caFile: configuration.redisCAFile, serverName: configuration.redisServerName)
        do {
            _ = try tls.makeContext()
        } catch {
            let setting = configuration.redisCAFile == nil ? "JWT_AUTH_BLOCKLIST_URL" : "JWT_AUTH_REDIS_CA_FILE"
            throw ConfigurationError(setting: setting, message: error.message)
        }
        redis.tls = tls
    }
}
