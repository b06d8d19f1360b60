// The routes of the bare Hummingbird app that the service benchmarks measure `jwt-auth serve` beside: served over
// HTTP by BareHummingbird (scripts/bench-service) and called in process by RouteBenchmark (scripts/bench-routes).
//
//   GET /health           a small JSON body, the size of `jwt-auth serve`'s.
//   GET /api/protected    with a secret: the raw swift-crypto HMAC-SHA256 check of the bearer token's signature
//                         with that secret, nothing else (no header, claims or revocation), then a body the size
//                         of `jwt-auth serve`'s; 401 for a missing or forged token. The least any HS256-protected
//                         route can cost in a Hummingbird handler.

import Crypto
import Foundation
import HTTPTypes
public import Hummingbird

/// The bare app's routes.
public enum BareRoutes {
    /// Adds `GET /health`, and `GET /api/protected` when there is a `secret`.
    public static func add<Context: RequestContext>(to router: Router<Context>, secret: String?) {
        router.get("health") { _, _ in Health(status: "ok", store: "ok") }
        guard let secret else { return }
        let check = SignatureCheck(secret: secret)
        router.get("api/protected") { request, _ in
            guard let field = request.headers[.authorization], field.hasPrefix("Bearer "),
                check.isValid(field.dropFirst("Bearer ".count))
            else { throw HTTPError(.unauthorized) }
            return Checked(user: "1")
        }
    }
}

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
