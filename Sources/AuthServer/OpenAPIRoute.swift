import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI 3.1 document of the service, compiled into the binary
/// (``OpenAPIDocument``, generated from `Resources/openapi.json`) so that a copied executable serves it too,
/// its `info.version` set to ``JWTAuth/JWTAuthVersion/current``.
enum OpenAPIRoute {
    /// The served document.
    static func document() -> ByteBuffer {
        ByteBuffer(bytes: versioned(Array(OpenAPIDocument.json.utf8)))
    }

    /// `document` with `info.version` set to the package's version (unchanged if it is no JSON object).
    static func versioned(_ document: [UInt8]) -> [UInt8] {
        guard var members = try? JSONParser(maximumDepth: 64).parseObject(document) else { return document }
        var info = members["info"]?.objectValue ?? [:]
        info["version"] = .string(JWTAuthVersion.current)
        members["info"] = .object(info)
        return JSONWriter.encode(.object(members), sortedKeys: true)
    }

    static func add(to router: Router<BasicJWTRequestContext>) {
        let document = document()
        router.get("openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
    }
}
