import JWTAuth

/// Reads `application/x-www-form-urlencoded` text.
public enum FormDecoding {
    /// The first value of `name`, percent-decoded, or nil.
    public static func field(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]), key == name else { continue }
            return parts.count > 1 ? decode(parts[1]) : ""
        }
        return nil
    }

    /// Percent-decodes, with `+` as space; nil for malformed escapes or invalid UTF-8.
    public static func decode(_ text: Substring) -> String? {
        PercentDecoding.decode(text, plusAsSpace: true)
    }
}
