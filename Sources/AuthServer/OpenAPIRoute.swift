import Foundation
import Hummingbird
import JWTAuth
import JWTAuthHummingbird
import NIOCore

/// `GET /openapi.json`: the OpenAPI 3.1 document of the service, `Resources/openapi.json` in the
/// AuthServer bundle, read once when the application is built, its `info.version` set to
/// ``JWTAuth/JWTAuthVersion/current``.
enum OpenAPIRoute {
    /// The document, or nil when the bundle is not installed beside the executable.
    static func document() -> ByteBuffer? {
        // `Bundle.module` stops the process when the resource bundle is missing (an executable copied
        // without it): look for the bundle first, so that the service still starts.
        let directories = [Bundle.main.bundleURL, Bundle.main.executableURL?.deletingLastPathComponent()].compactMap { $0 }
        let names = ["swift-jwt-auth_AuthServer.resources", "swift-jwt-auth_AuthServer.bundle"]
        let installed = directories.contains { directory in
            names.contains { FileManager.default.fileExists(atPath: directory.appending(path: $0).path) }
        }
        guard installed else { return nil }
        guard let url = Bundle.module.url(forResource: "openapi", withExtension: "json", subdirectory: "Resources"),
            let data = try? Data(contentsOf: url)
        else { return nil }
        return ByteBuffer(bytes: versioned(Array(data)))
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
            guard let document else {
                throw JWTAuthError(code: .notFound, message: "The OpenAPI document is not installed beside the executable.")
            }
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: document))
        }
    }
}
