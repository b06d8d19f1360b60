import AsyncHTTPClient
public import Foundation
public import JWTAuth
public import Logging
import NIOCore
public import ServiceLifecycle

/// Fetches and caches an issuer's JWK Set for a resource server: the key source that verifies tokens issued
/// elsewhere, without a shared secret or a call to the issuer per request.
///
/// The set is cached for as long as the issuer's `Cache-Control: max-age` (or `Expires`) says, within bounds,
/// revalidated with `ETag`, and refreshed in the background before it expires while ``run()`` runs. An
/// unknown `kid` causes at most one fetch per cooldown, and concurrent requests share one fetch. While the
/// issuer cannot be reached the last good set keeps verifying (for at most `maximumStaleness`); with no set
/// ever fetched, requests fail closed with `unavailable`.
public actor JWKSClient: JWTKeySource, Service {
    /// The JWK Set URL.
    public let url: URL
    public let configuration: JWKSClientConfiguration
    private let clock: JWTClock
    private let logger: Logger
    let httpClient: HTTPClient
    private var cache: JWKSCache
    private var inFlight: Task<Void, Never>?

    /// A client for the JWK Set at `url`.
    /// - Throws: `invalid_configuration` for a URL that is not `https://` (or loopback `http://` when allowed).
    public init(
        url: URL,
        configuration: JWKSClientConfiguration = JWKSClientConfiguration(),
        clock: JWTClock = .system,
        logger: Logger = Logger(label: "jwt-auth.jwks")
    ) throws(JWTAuthError) {
        try Self.checkScheme(url, configuration: configuration)
        self.url = url
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.cache = JWKSCache(cooldown: configuration.cooldown.seconds, maximumStaleness: configuration.maximumStaleness.seconds)
        var http = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(configuration.connectTimeout), read: .init(configuration.requestTimeout)),
            decompression: .disabled
        )
        http.httpVersion = .http1Only
        self.httpClient = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: http)
    }

    /// The keys for a token naming `keyID`; fetches first when there are none, they expired, or `keyID` is
    /// unknown and the cooldown has passed.
    /// - Throws: `unavailable` when there are no usable keys.
    public func verificationKeys(for keyID: String?) async throws(JWTAuthError) -> JWTKeySnapshot {
        if let inFlight {
            await inFlight.value  // a fetch is under way: its keys may be the ones asked for
        } else if cache.decide(keyID: keyID, now: clock.now) == .fetch {
            await refresh()
        }
        let now = clock.now
        guard let keys = cache.keys, cache.isUsable(now: now) else {
            throw .unavailable("No verification keys: the JWK Set could not be fetched")
        }
        return JWTKeySnapshot(keys: keys, generation: cache.generation)
    }

    /// Fetches the set now, sharing a fetch already under way. Errors are kept for ``status``, never thrown:
    /// the last good set stays.
    public func refresh() async {
        if let inFlight { return await inFlight.value }
        cache.fetchStarted(now: clock.now)
        let task = Task { await self.fetchAndStore() }
        inFlight = task
        await task.value
        inFlight = nil
    }

    /// What ``refresh()`` found, for a health check.
    public var status: JWKSStatus {
        let now = clock.now
        return JWKSStatus(
            hasKeys: cache.keys != nil,
            keyCount: cache.keys?.keys.count ?? 0,
            isStale: cache.isStale(now: now),
            isUsable: cache.isUsable(now: now),
            age: cache.refreshedAt.map { now - $0 },
            lastError: cache.lastError?.message
        )
    }

    /// Keeps the set fresh until graceful shutdown, then shuts the HTTP client down.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            // Looks once a second rather than sleeping until the refresh is due, so that a clock that jumps
            // (or a test's settable clock) is followed.
            while !Task.isCancelled {
                if await self.isRefreshDue() { await self.refresh() }
                do { try await Task.sleep(for: .seconds(1)) } catch { return }
            }
        }
        try await shutdown()
    }

    private func isRefreshDue() -> Bool {
        let now = clock.now
        return inFlight == nil && now >= cache.nextRefresh(now: now)
    }

    /// Closes the HTTP client; call once when not using ``run()``.
    public func shutdown() async throws {
        try await httpClient.shutdown()
    }

    private func fetchAndStore() async {
        do {
            let outcome = try await fetch(entityTag: cache.entityTag)
            let lifetime = outcome.policy.lifetime(
                default: configuration.defaultLifetime.seconds,
                minimum: configuration.minimumLifetime.seconds,
                maximum: configuration.maximumLifetime.seconds
            )
            if let document = outcome.document {
                let keys = try JWKSDocument.keys(
                    document,
                    allowedAlgorithms: configuration.allowedAlgorithms,
                    maximumKeyCount: configuration.maximumKeyCount
                )
                cache.fetched(keys, lifetime: lifetime, entityTag: outcome.entityTag, now: clock.now)
                logger.debug("JWK Set fetched", metadata: ["jwks.keys": "\(keys.keys.count)", "jwks.lifetime": "\(Int(lifetime))"])
            } else {
                cache.notModified(lifetime: lifetime, now: clock.now)
            }
        } catch {
            cache.failed(error)
            logger.warning("JWK Set fetch failed", metadata: ["jwks.url": "\(url.absoluteString)", "jwks.error": "\(error.message)"])
        }
    }
}

/// The state of a ``JWKSClient``'s keys.
public struct JWKSStatus: Sendable, Equatable {
    /// Whether a set was ever fetched.
    public let hasKeys: Bool
    public let keyCount: Int
    /// Whether the set is past its lifetime because the issuer could not be reached since.
    public let isStale: Bool
    /// Whether the set still verifies (fresh, or stale within the allowed staleness).
    public let isUsable: Bool
    /// Seconds since the set was last confirmed by the issuer.
    public let age: Double?
    /// Why the last fetch failed, if it did.
    public let lastError: String?
}
