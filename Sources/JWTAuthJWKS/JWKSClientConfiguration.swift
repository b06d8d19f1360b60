public import JWTAuth

/// How a ``JWKSClient`` fetches and keeps a JWK Set.
public struct JWKSClientConfiguration: Sendable {
    /// Accept `http://` URLs whose host is a loopback address (127.0.0.0/8, `::1`, `localhost`), for tests and
    /// side-cars. Defaults to false: only `https://`.
    public var allowsInsecureLoopback: Bool
    /// The largest JWK Set document accepted, in bytes. Defaults to 256 KiB.
    public var maximumDocumentSize: Int
    /// The most keys kept from one document. Defaults to 64.
    public var maximumKeyCount: Int
    /// The whole of one fetch (connect, headers, body). Defaults to 5 seconds.
    public var requestTimeout: Duration
    /// Connecting. Defaults to 2 seconds.
    public var connectTimeout: Duration
    /// Lifetime of a document whose response gives none (`Cache-Control: max-age`, `Expires`). Defaults to 5 minutes.
    public var defaultLifetime: Duration
    /// Bounds put on the lifetime the issuer asks for. Default to 30 seconds and 1 day.
    public var minimumLifetime: Duration
    public var maximumLifetime: Duration
    /// The least time between two fetches not caused by expiry: an unknown `kid`, or a retry after a failure.
    /// Defaults to 30 seconds.
    public var cooldown: Duration
    /// How long the last good set keeps verifying past its lifetime while the issuer cannot be reached.
    /// Defaults to 1 day; after that, requests fail closed with `unavailable`.
    public var maximumStaleness: Duration
    /// Redirects followed, to the same scheme, host and port only. Defaults to 2.
    public var maximumRedirects: Int
    /// The algorithms whose keys are kept; keys of others are skipped. Defaults to every asymmetric one.
    public var allowedAlgorithms: Set<SigningAlgorithm>?

    public init(
        allowsInsecureLoopback: Bool = false,
        maximumDocumentSize: Int = 256 * 1024,
        maximumKeyCount: Int = 64,
        requestTimeout: Duration = .seconds(5),
        connectTimeout: Duration = .seconds(2),
        defaultLifetime: Duration = .seconds(300),
        minimumLifetime: Duration = .seconds(30),
        maximumLifetime: Duration = .seconds(86_400),
        cooldown: Duration = .seconds(30),
        maximumStaleness: Duration = .seconds(86_400),
        maximumRedirects: Int = 2,
        allowedAlgorithms: Set<SigningAlgorithm>? = nil
    ) {
        self.allowsInsecureLoopback = allowsInsecureLoopback
        self.maximumDocumentSize = maximumDocumentSize
        self.maximumKeyCount = maximumKeyCount
        self.requestTimeout = requestTimeout
        self.connectTimeout = connectTimeout
        self.defaultLifetime = defaultLifetime
        self.minimumLifetime = minimumLifetime
        self.maximumLifetime = maximumLifetime
        self.cooldown = cooldown
        self.maximumStaleness = maximumStaleness
        self.maximumRedirects = maximumRedirects
        self.allowedAlgorithms = allowedAlgorithms
    }
}
