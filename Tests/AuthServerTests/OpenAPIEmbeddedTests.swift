import Foundation
import Testing

@testable import AuthServer

/// The OpenAPI document is compiled into the binary (`OpenAPIDocument.swift`, generated from
/// `Sources/AuthServer/Resources/openapi.json`), so that a copied `jwt-auth` serves it without its resource
/// bundle. A stale generated file fails here; `JWT_AUTH_REGENERATE=1 swift test --filter OpenAPIEmbeddedTests`
/// rewrites it.
@Suite struct OpenAPIEmbeddedTests {
    static let root = URL(filePath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func source(for json: String) -> String {
        """
        // Generated from Sources/AuthServer/Resources/openapi.json by OpenAPIEmbeddedTests, which fails while
        // this file is stale: JWT_AUTH_REGENERATE=1 swift test --filter OpenAPIEmbeddedTests
        // swift-format-ignore-file

        /// The OpenAPI 3.1 document of the service, compiled in (its `info.version` is set when served).
        enum OpenAPIDocument {
            static let json = ##\"\"\"
        \(json.hasSuffix("\n") ? String(json.dropLast()) : json)
        \"\"\"##
        }

        """
    }

    @Test func theCompiledDocumentIsTheResource() throws {
        let json = try String(contentsOf: Self.root.appending(path: "Sources/AuthServer/Resources/openapi.json"), encoding: .utf8)
        let path = Self.root.appending(path: "Sources/AuthServer/OpenAPIDocument.swift")
        let expected = Self.source(for: json)
        let current = try? String(contentsOf: path, encoding: .utf8)
        if current != expected {
            if ProcessInfo.processInfo.environment["JWT_AUTH_REGENERATE"] == "1" {
                try Data(expected.utf8).write(to: path)
            } else {
                Issue.record("Sources/AuthServer/OpenAPIDocument.swift is stale: run JWT_AUTH_REGENERATE=1 swift test --filter OpenAPIEmbeddedTests")
            }
        }
        if current == expected { #expect(OpenAPIDocument.json + "\n" == json) }
    }
}
