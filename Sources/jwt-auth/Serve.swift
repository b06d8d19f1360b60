import ArgumentParser
import AuthServer
import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// `jwt-auth serve`: the auth service.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the auth service.",
        discussion: """
            With no settings it listens on 127.0.0.1:8080, keeps users, revocations and sessions in \
            ./data/auth.sqlite, and generates an ES256 signing key into ./data/keys on first start. \
            Every setting is also an environment variable JWT_AUTH_<NAME>; flags win. A secret given as a \
            flag (--secret, --database-url, --blocklist-url, --introspection-clients) is visible to other \
            users of the machine in the process list: give it in JWT_AUTH_<NAME>, or in a file named by \
            JWT_AUTH_<NAME>_FILE (its text, one trailing line break removed; not both). SIGTERM or SIGINT \
            stops it gracefully.
            """
    )

    @OptionGroup var options: ServiceOptions

    func run() async throws {
        let configuration = try options.configuration()
        // Every logger of the process, the libraries' included, writes in the chosen format.
        configuration.bootstrapLogging()
        let logger = Logger(label: "jwt-auth")
        let traceExporter: (any Service)?
        do {
            traceExporter = try TraceExporter.start(environment: ProcessInfo.processInfo.environment, logger: logger)
        } catch {
            FileHandle.standardError.write(Data("\(TraceExport.endpointVariables[0]): cannot export traces: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let leftovers = StartLeftovers(configuration)
        let app: any ApplicationProtocol
        do {
            app = try await AuthServer.buildApplication(configuration) { channel in
                let address = channel.localAddress.map { "\($0.ipAddress ?? configuration.host):\($0.port ?? configuration.port)" } ?? ""
                FileHandle.standardOutput.write(Data(configuration.listeningBanner(address: address).utf8))
            } onMetricsServerRunning: { channel in
                let address = channel.localAddress.map { ListenAddress(host: $0.ipAddress ?? "", port: $0.port ?? 0).description } ?? ""
                FileHandle.standardOutput.write(Data(configuration.metricsBanner(address: address).utf8))
            }
        } catch let error as ConfigurationError {
            leftovers.remove()
            FileHandle.standardError.write(Data("\(error.description)\n".utf8))
            throw ExitCode(2)
        } catch let error as ListenError where Self.listenErrors.contains(error.errnoCode) {
            // The metrics address (JWT_AUTH_METRICS_ADDRESS), checked before anything starts.
            leftovers.remove()
            throw CommandFailure.environment("cannot listen on \(error.address): \(Self.describe(error.errnoCode))")
        } catch {
            leftovers.remove()
            throw error
        }
        do {
            if let traceExporter {
                // The exporter first, so that it stops last and sends the spans of the last requests.
                let services: [any Service] = [traceExporter, app]
                try await ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)).run()
            } else {
                try await app.runService()
            }
        } catch let error as IOError where Self.listenErrors.contains(error.errnoCode) {
            leftovers.remove()
            throw CommandFailure.environment("cannot listen on \(Self.address(configuration)): \(Self.describe(error.errnoCode))")
        } catch let error as ListenError where Self.listenErrors.contains(error.errnoCode) {
            // The metrics address, taken after the check above: its server names it.
            leftovers.remove()
            throw CommandFailure.environment("cannot listen on \(error.address): \(Self.describe(error.errnoCode))")
        }
    }

    /// The errors of binding the listening socket: the port is taken, the address is not this machine's, or
    /// the port is privileged.
    static let listenErrors: Set<Int32> = [EADDRINUSE, EADDRNOTAVAIL, EACCES]

    /// `127.0.0.1:8080`, `[::1]:8080`.
    static func address(_ configuration: AuthServerConfiguration) -> String {
        configuration.host.contains(":") ? "[\(configuration.host)]:\(configuration.port)" : "\(configuration.host):\(configuration.port)"
    }

    static func describe(_ code: Int32) -> String {
        switch code {
        case EADDRINUSE: "address already in use"
        case EADDRNOTAVAIL: "address not available"
        case EACCES: "permission denied"
        default: String(cString: strerror(code)).lowercased()
        }
    }
}
