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

/// The check of `GET /api/protected`: the HMAC keyed once, as a library would keep it, and the token read where it
/// is.
struct SignatureCheck: Sendable {
    let keyed: HMAC<SHA256>

    init(secret: String) {
        keyed = HMAC(key: SymmetricKey(data: Array(secret.utf8)))
    }

    /// Whether `token`'s signature is the HMAC-SHA256 of `header.payload`, compared in constant time.
    func isValid(_ token: Substring) -> Bool {
        var token = token
        return token.withUTF8 { bytes in
            guard let dot = bytes.lastIndex(of: UInt8(ascii: ".")) else { return false }
            // base64url to base64, padded, for Foundation's decoder.
            var encoded = bytes[(dot + 1)...].map { byte -> UInt8 in
                switch byte {
                case UInt8(ascii: "-"): UInt8(ascii: "+")
                case UInt8(ascii: "_"): UInt8(ascii: "/")
                default: byte
                }
            }
            encoded += repeatElement(UInt8(ascii: "="), count: (4 - encoded.count % 4) % 4)
            guard let signature = Data(base64Encoded: Data(encoded)) else { return false }
            var mac = keyed
            mac.update(data: UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: bytes[..<dot])))
            return mac.finalize() == signature
        }
    }
}

@main
struct BareHummingbird {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap { Int($0) } ?? 0
        let router = Router()
        router.get("health") { _, _ in Health(status: "ok", store: "ok") }
        if let secret = ProcessInfo.processInfo.environment["BENCH_JWT_SECRET"] {
            let check = SignatureCheck(secret: secret)
            router.get("api/protected") { request, _ in
                guard let field = request.headers[.authorization], field.hasPrefix("Bearer "),
                    check.isValid(field.dropFirst("Bearer ".count))
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
