// The reference of `scripts/bench-service`: a bare Hummingbird 2 app, no auth library, no middleware, built with
// the same Hummingbird as `jwt-auth`. What `jwt-auth serve` costs per request is measured beside it.
//
//   BareHummingbird [PORT]   listens on 127.0.0.1:PORT (0, the default: a free port) and prints
//                            "bare-hummingbird listening on http://127.0.0.1:PORT" once it does.
//
// Its routes are `BareRoutes`: `GET /health`, and `GET /api/protected` (the raw HMAC-SHA256 check of the bearer
// token) with BENCH_JWT_SECRET set.

import BareRoutes
import Foundation
import Hummingbird

@main
struct BareHummingbird {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
        let router = Router()
        BareRoutes.add(to: router, secret: ProcessInfo.processInfo.environment["BENCH_JWT_SECRET"])
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
