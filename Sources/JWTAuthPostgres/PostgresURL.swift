import JWTAuth
import NIOSSL
public import PostgresNIO

/// A `postgres://` URL, as libpq reads it, turned into a ``PostgresClient/Configuration``:
/// `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?sslmode=MODE&sslrootcert=FILE]`.
///
/// `sslmode` follows libpq: `disable` (plain TCP), `prefer` (the default: TLS when the server offers it,
/// without certificate checks), `require` (TLS, without certificate checks), `verify-ca` (TLS with a
/// certificate from a trusted CA) and `verify-full` (as `verify-ca`, and the certificate must name the
/// host). `sslrootcert` names a PEM file of trusted CAs instead of the system's. User, password and
/// database may be percent-encoded. The password is never part of ``description``.
public struct PostgresURL: Sendable, CustomStringConvertible {
    /// Why a URL cannot be used. The message never holds the password.
    public struct InvalidURL: Error, Sendable, CustomStringConvertible {
        public let description: String
    }

    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var username: String
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    public var sslRootCertificate: String?

    /// Parses `url`. - Throws: ``InvalidURL`` naming what is wrong.
    public init(_ url: String) throws {
        let rest: Substring
        if url.hasPrefix("postgres://") {
            rest = url.dropFirst("postgres://".count)
        } else if url.hasPrefix("postgresql://") {
            rest = url.dropFirst("postgresql://".count)
        } else {
            throw InvalidURL(description: "expected postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let (beforeQuery, query) = Self.split(rest, at: "?")
        let (authority, path) = Self.split(beforeQuery, at: "/")
        guard let at = authority.lastIndex(of: "@") else {
            throw InvalidURL(description: "expected a user name: postgres://USER:PASSWORD@HOST:PORT/DATABASE")
        }
        let (user, password) = Self.split(authority[..<at], at: ":")
        username = try Self.decode(user, "user name")
        guard !username.isEmpty else { throw InvalidURL(description: "the user name is empty") }
        self.password = try password.map { try Self.decode($0, "password") }

        let hostPort = authority[authority.index(after: at)...]
        if hostPort.hasPrefix("[") {
            guard let close = hostPort.firstIndex(of: "]") else { throw InvalidURL(description: "an IPv6 host lacks its ]") }
            host = String(hostPort[hostPort.index(after: hostPort.startIndex)..<close])
            let after = hostPort[hostPort.index(after: close)...]
            port = after.isEmpty ? 5432 : try Self.port(after.hasPrefix(":") ? after.dropFirst() : after)
        } else {
            let (name, portText) = Self.split(hostPort, at: ":")
            host = String(name)
            port = try portText.map(Self.port) ?? 5432
        }
        guard !host.isEmpty else { throw InvalidURL(description: "the host is empty") }
        let databaseName = try Self.decode(path ?? "", "database")
        database = databaseName.isEmpty ? username : databaseName

        sslMode = .prefer
        for pair in (query ?? "").split(separator: "&") {
            let (key, value) = Self.split(pair, at: "=")
            let text = try Self.decode(value ?? "", String(key))
            switch key {
            case "sslmode":
                guard let mode = SSLMode(rawValue: text) else {
                    throw InvalidURL(description: "sslmode must be one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "sslrootcert":
                sslRootCertificate = text
            default:
                throw InvalidURL(description: "unknown URL parameter \(key); known: sslmode, sslrootcert")
            }
        }
    }

    /// The URL without its password.
    public var description: String {
        let hostText = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(username)@\(hostText):\(port)/\(database)?sslmode=\(sslMode.rawValue)"
    }

    /// The client configuration: TLS as `sslMode` says, and `statementTimeout` as the server's
    /// `statement_timeout` and `lock_timeout`, so that no statement holds a connection longer.
    public func clientConfiguration(statementTimeout: Duration = .seconds(5)) throws -> PostgresClient.Configuration {
        var tls = TLSConfiguration.makeClientConfiguration()
        if let sslRootCertificate { tls.trustRoots = .file(sslRootCertificate) }
        let mode: PostgresClient.Configuration.TLS
        switch sslMode {
        case .disable:
            mode = .disable
        case .prefer:
            tls.certificateVerification = .none
            mode = .prefer(tls)
        case .require:
            tls.certificateVerification = .none
            mode = .require(tls)
        case .verifyCA:
            tls.certificateVerification = .noHostnameVerification
            mode = .require(tls)
        case .verifyFull:
            tls.certificateVerification = .fullVerification
            mode = .require(tls)
        }
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: mode
        )
        let milliseconds = statementTimeout.postgresMilliseconds
        configuration.options.additionalStartupParameters = [
            (PostgresTimeout.statement.rawValue, "\(milliseconds)"),
            (PostgresTimeout.lock.rawValue, "\(milliseconds)"),
            ("application_name", "jwt-auth"),
        ]
        configuration.options.connectTimeout = statementTimeout
        return configuration
    }

    private static func split(_ text: Substring, at separator: Character) -> (Substring, Substring?) {
        guard let index = text.firstIndex(of: separator) else { return (text, nil) }
        return (text[..<index], text[text.index(after: index)...])
    }

    private static func port(_ text: Substring) throws -> Int {
        guard let port = Int(text), (1...65535).contains(port) else { throw InvalidURL(description: "the port must be 1 to 65535") }
        return port
    }

    /// Percent-decodes `text` as UTF-8.
    private static func decode(_ text: Substring, _ what: String) throws -> String {
        guard let decoded = PercentDecoding.decode(text) else {
            throw InvalidURL(description: "the \(what) has a bad percent escape or is not UTF-8")
        }
        return decoded
    }
}
