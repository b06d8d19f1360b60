import NIOCore
import ServiceLifecycle

/// The `/metrics` server on its own address (`JWT_AUTH_METRICS_ADDRESS`), run as a service beside the main
/// one: a socket error while it starts names that address (``ListenError``), not the main one.
struct MetricsServer: Service {
    let server: any Service
    let address: ListenAddress

    func run() async throws {
        do {
            try await server.run()
        } catch let error as IOError {
            throw ListenError(address: address, errnoCode: error.errnoCode)
        }
    }
}
