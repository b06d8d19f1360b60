public import NIOSSL

/// TLS for the connections to Redis (`rediss://`): TLS 1.2 or later, the server's certificate and name verified.
///
/// ```swift
/// var configuration = try RedisConfiguration(url: "rediss://cache.internal:6379")
/// configuration.tls = RedisTLS(caFile: "/etc/redis/ca.pem")
/// ```
public struct RedisTLS: Sendable {
    /// The swift-nio-ssl client configuration: trust roots, verification, protocol versions, a client
    /// certificate for servers that ask for one. Defaults to ``defaultConfiguration``.
    public var configuration: TLSConfiguration
    /// The name sent as SNI and verified against the server's certificate, when it differs from the host
    /// connected to (connecting by IP address to a certificate issued for a name). Defaults to nil: the host
    /// connected to, or, for an IP address, the certificate's IP addresses (and no SNI). Either way a
    /// certificate that lists the IP address connected to is accepted too (swift-nio-ssl's rule).
    ///
    /// With Redis Sentinel it applies to every node: the sentinels and the master they name.
    public var serverName: String?

    /// TLS with `configuration`, verifying `serverName` (nil: the host connected to).
    public init(configuration: TLSConfiguration = RedisTLS.defaultConfiguration, serverName: String? = nil) {
        self.configuration = configuration
        self.serverName = serverName
    }

    /// TLS trusting the CAs of the PEM bundle `caFile` (nil: the system's trust store), verifying `serverName`
    /// (nil: the host connected to). The file is read when the client makes its first connection; a file that
    /// cannot be used makes every connection fail with ``RedisError/Code/connectionFailed``.
    public init(caFile: String?, serverName: String? = nil) {
        var configuration = Self.defaultConfiguration
        if let caFile { configuration.trustRoots = .file(caFile) }
        self.init(configuration: configuration, serverName: serverName)
    }

    /// TLS trusting only `trustedCertificates` (CA certificates), verifying `serverName` (nil: the host
    /// connected to).
    public init(trustedCertificates: [NIOSSLCertificate], serverName: String? = nil) {
        var configuration = Self.defaultConfiguration
        configuration.trustRoots = .certificates(trustedCertificates)
        self.init(configuration: configuration, serverName: serverName)
    }

    /// swift-nio-ssl's client configuration with TLS 1.2 at least: the system's trust store, the certificate
    /// and the host name verified.
    public static var defaultConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.minimumTLSVersion = .tlsv12
        configuration.certificateVerification = .fullVerification
        return configuration
    }

    /// The context every connection's TLS handler is made from: the trust roots read once.
    /// - Throws: ``RedisError/Code/connectionFailed`` when the configuration cannot be used (a CA file that
    ///   is missing or not PEM).
    package func makeContext() throws(RedisError) -> NIOSSLContext {
        do {
            return try NIOSSLContext(configuration: configuration)
        } catch {
            throw RedisError(code: .connectionFailed, message: "Cannot set up TLS for Redis: \(error)")
        }
    }
}
