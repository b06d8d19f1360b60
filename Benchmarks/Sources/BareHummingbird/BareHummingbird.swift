// The reference of `scripts/bench-service`: a bare Hummingbird 2 app, no auth, no middleware, one route that
// answers a small JSON body, built with the same Hummingbird as `jwt-auth`. What `jwt-auth serve` costs per
// request is measured beside it.
//
//   BareHummingbird [PORT]   listens on 127.0.0.1:PORT (0, the default: a free port) and prints
//                            "bare-hummingbird listening on http://127.0.0.1:PORT" once it does.

import Foundation
import Hummingbird

/// The body of `GET /health`, the size of `jwt-auth serve`'s.
struct Health: ResponseEncodable {
    let status: String
    let store: String
}

@main
struct BareHummingbird {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
        let router = Router()
        router.get("health") { _, _ in Health(status: "ok", store: "ok") }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: port)),
            onServerRunning: { channel in
                let port = channel.localAddress?.port ?? port
                // Unbuffered, so that the benchmark sees it at once when stdout is a file.
                FileHandle.standardOutput.write(Data("bare-hummingbird listening on http://127.0.0.1:\(port)\n".utf8))
            }
        )
        try await app.runService()
    }
}
