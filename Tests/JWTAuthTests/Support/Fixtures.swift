import Foundation
import JWTAuth

/// The key fixtures in `Fixtures/`, made once with the openssl CLI by `Fixtures/generate.sh`.
enum Fixtures {
    static func url(_ name: String) -> URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: url(name), encoding: .utf8)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name)))
    }

    /// A JWK fixture's members; its `kid` is the RFC 7638 thumbprint that Python computed from openssl's printout.
    static func jwk(_ name: String) throws -> [String: JSONValue] {
        try JSONParser().parseObject(try bytes(name))
    }
}
