import Foundation
import JWTAuth
import Testing

/// The vector files in `Vectors/` (see `Vectors/SOURCES.md`), read with JWTAuth's own strict JSON parser.
enum TestVectors {
    /// The JSON document at `path` inside `Vectors/`, such as `rfc/rfc7515.json`.
    static func load(_ path: String) throws -> JSONValue {
        let folder = try #require(Bundle.module.url(forResource: "Vectors", withExtension: nil))
        let data = try Data(contentsOf: folder.appendingPathComponent(path))
        return try JSONParser(maximumDepth: 64).parse(Array(data))
    }

    /// The entries of `document`'s `vectors` array, each with its `name`.
    static func vectors(_ path: String) throws -> [String: JSONValue] {
        let entries = try #require(try load(path)["vectors"]?.arrayValue)
        var byName: [String: JSONValue] = [:]
        for entry in entries { byName[try #require(entry["name"]?.stringValue)] = entry }
        return byName
    }
}

extension JSONValue {
    /// The string member `name` of this object; the test fails when it is missing.
    func string(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        try #require(self[name]?.stringValue, "no string \(name)", sourceLocation: sourceLocation)
    }

    /// The object member `name` of this object; the test fails when it is missing.
    func object(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: JSONValue] {
        try #require(self[name]?.objectValue, "no object \(name)", sourceLocation: sourceLocation)
    }
}
