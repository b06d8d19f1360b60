import FoundationEssentials

/// A response body written as compact JSON with its members in sorted order.
package protocol ResponseMessage: Encodable, Sendable {}

extension ResponseMessage {
    /// The body's JSON text, in UTF-8.
    package func jsonBytes() throws -> [UInt8] {
        Array(try responseEncoder.encode(self))
    }
}

/// Compact, sorted, and `/` left unescaped (tokens and names are written as they are).
private let responseEncoder: JSONEncoder = {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return encoder
}()
