// Generated from the settings table (Sources/AuthServer/Settings/Setting+All.swift) by SettingsTableTests,
// which fails while this file is stale: JWT_AUTH_REGENERATE=1 swift test --filter SettingsTableTests

import ArgumentParser

/// The settings of `jwt-auth serve`, every one of them.
struct ServiceOptions: SettingOptions {
    @Option(setting: "SECRET") var secret: String?
    @Option(setting: "KEY_FILE") var keyFile: String?
    @Option(setting: "ALGORITHM") var algorithm: String?
    @Flag(setting: "ALLOW_WEAK_SECRET") var allowWeakSecret: Bool?
    @Option(setting: "ENCRYPTION_KEY") var encryptionKey: String?
    @Option(setting: "ACCESS_TTL") var accessTTL: String?
    @Option(setting: "REFRESH_TTL") var refreshTTL: String?
    @Option(setting: "LEEWAY") var leeway: String?
    @Option(setting: "ISSUER") var issuer: String?
    @Option(setting: "AUDIENCE") var audience: String?
    @Option(setting: "TOKEN_LOCATION") var tokenLocation: String?
    @Flag(setting: "COOKIE_SECURE") var cookieSecure: Bool?
    @Option(setting: "DATA_DIR") var dataDir: String?
    @Option(setting: "DATABASE_URL") var databaseURL: String?
    @Option(setting: "BLOCKLIST_URL") var blocklistURL: String?
    @Option(setting: "REDIS_CA_FILE") var redisCaFile: String?
    @Option(setting: "REDIS_SERVER_NAME") var redisServerName: String?
    @Option(setting: "BCRYPT_COST") var bcryptCost: String?
    @Option(setting: "REGISTRATION") var registration: String?
    @Option(setting: "LOGIN_ATTEMPTS") var loginAttempts: String?
    @Option(setting: "LOGIN_WINDOW") var loginWindow: String?
    @Option(setting: "REGISTER_ATTEMPTS") var registerAttempts: String?
    @Option(setting: "TRUSTED_PROXIES") var trustedProxies: String?
    @Option(setting: "IDLE_TIMEOUT") var idleTimeout: String?
    @Option(setting: "MAX_CONNECTIONS") var maxConnections: String?
    @Option(setting: "BCRYPT_QUEUE") var bcryptQueue: String?
    @Option(setting: "HOST") var host: String?
    @Option(setting: "PORT") var port: String?
    @Option(setting: "LOG_LEVEL") var logLevel: String?
    @Option(setting: "LOG_FORMAT") var logFormat: String?
    @Flag(setting: "ACCESS_LOG") var accessLog: Bool?
    @Option(setting: "INTROSPECTION_CLIENTS") var introspectionClients: String?
    @Option(setting: "METRICS_ADDRESS") var metricsAddress: String?
    @Option(setting: "CORS_ORIGINS") var corsOrigins: String?
    @Flag(setting: "WEB") var web: Bool?
}

/// The settings of `jwt-auth users list`, `disable`, `enable`, `rename` and `delete`.
struct UserStoreOptions: SettingOptions {
    @Option(setting: "ACCESS_TTL") var accessTTL: String?
    @Option(setting: "REFRESH_TTL") var refreshTTL: String?
    @Option(setting: "LEEWAY") var leeway: String?
    @Option(setting: "DATA_DIR") var dataDir: String?
    @Option(setting: "DATABASE_URL") var databaseURL: String?
    @Option(setting: "BLOCKLIST_URL") var blocklistURL: String?
    @Option(setting: "REDIS_CA_FILE") var redisCaFile: String?
    @Option(setting: "REDIS_SERVER_NAME") var redisServerName: String?
}

/// The settings of `jwt-auth users add` and `users passwd`.
struct NewUserOptions: SettingOptions {
    @Option(setting: "ACCESS_TTL") var accessTTL: String?
    @Option(setting: "REFRESH_TTL") var refreshTTL: String?
    @Option(setting: "LEEWAY") var leeway: String?
    @Option(setting: "DATA_DIR") var dataDir: String?
    @Option(setting: "DATABASE_URL") var databaseURL: String?
    @Option(setting: "BLOCKLIST_URL") var blocklistURL: String?
    @Option(setting: "REDIS_CA_FILE") var redisCaFile: String?
    @Option(setting: "REDIS_SERVER_NAME") var redisServerName: String?
    @Option(setting: "BCRYPT_COST") var bcryptCost: String?
}

/// The settings of `jwt-auth keys list` and `keys retire`.
struct KeyStoreOptions: SettingOptions {
    @Option(setting: "DATA_DIR") var dataDir: String?
    @Option(setting: "DATABASE_URL") var databaseURL: String?
}

/// The settings of `jwt-auth keys rotate`.
struct KeyRotationOptions: SettingOptions {
    @Option(setting: "ALGORITHM") var algorithm: String?
    @Option(setting: "DATA_DIR") var dataDir: String?
    @Option(setting: "DATABASE_URL") var databaseURL: String?
}
