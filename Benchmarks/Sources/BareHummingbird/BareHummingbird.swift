// The reference of `scripts/bench-service`: a bare Hummingbird 2 app, no auth library, no middleware, built with
// the same Hummingbird as `jwt-auth`. What `jwt-auth serve` costs per request is measured beside it.
//
//   BareHummingbird [PORT]   listens on 127.0.0.1:PORT (0, the default: a free port) and prints
//                            "bare-hummingbird listening on http://127.0.0.1:PORT" once it does.
//
// Routes:
//   GET /health           a small JSON body, the size of `jwt-auth serve`'s.
//   GET /api/protected    with BENCH_JWT_SECRET set: the raw swift-crypto HMAC-SHA256 check of the bearer
//                         token's signature with that secret, nothing else (no header, claims or revocation),
//                         then a body the size of `jwt-auth serve`'s; 401 for a missing or forged token.
//                         The least any HS256-protected route can cost in a Hummingbird handler.

import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// The body of `GET /health`, the size of `jwt-auth serve`'s.
struct Health: ResponseEncodable {
    let status: String
    let store: String
}

/// The body of `GET /api/protected`, the size of `jwt-auth serve`'s (`{"user":"1"}`).
struct Checked: ResponseEncodable {
    let user: String
}

/// Whether `token`'s signature is the HMAC-SHA256 of `header.payload` under `key`.
func signatureIsValid(_ token: Substring, key: SymmetricKey) -> Bool {
    guard let dot = token.lastIndex(of: ".") else { return false }
    var signature = token[token.index(after: dot)...].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    signature += String(repeating: "=", count: (4 - signature.count % 4) % 4)
    guard let mac = Data(base64Encoded: signature) else { return false }
    return HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: Array(token[..<dot].utf8), using: key)
}

@main
struct BareHummingbird {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
        let router = Router()
        router.get("health") { _, _ in Health(status: "ok", store: "ok") }
        if let secret = ProcessInfo.processInfo.environment["BENCH_JWT_SECRET"] {
            let key = SymmetricKey(data: Array(secret.utf8))
            router.get("api/protected") { request, _ in
                guard let field = request.headers[.authorization], field.hasPrefix("Bearer "),
                    signatureIsValid(field.dropFirst("Bearer ".count), key: key)
                else { throw HTTPError(.unauthorized) }
                return Checked(user: "1")
            }
        }
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
