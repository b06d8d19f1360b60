/// The rule for `next`: a redirect after login may only go to a path on this site.
enum LocalPath {
    /// `raw` when it is a local path (`/`, `/a/b?c=d`), else `/`. Refused: anything not starting with a
    /// single `/` (`//evil.example`, `/\evil.example`, `http://…`, `javascript:…`), and any control
    /// character, space or non-ASCII byte, which browsers may strip or rewrite into one of those.
    static func validated(_ raw: String?) -> String {
        guard let raw, isLocal(raw) else { return "/" }
        return raw
    }

    static func isLocal(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.first == UInt8(ascii: "/"), bytes.count <= 2048 else { return false }
        if bytes.count > 1, bytes[1] == UInt8(ascii: "/") || bytes[1] == UInt8(ascii: "\\") { return false }
        return bytes.allSatisfy { (0x21...0x7E).contains($0) && $0 != UInt8(ascii: "\\") }
    }

    /// `path` for a query component: everything but unreserved characters and `/` percent-encoded.
    static func queryEncoded(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "/"):
                output.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = Array("0123456789ABCDEF".unicodeScalars)
                output.unicodeScalars.append("%")
                output.unicodeScalars.append(hex[Int(byte >> 4)])
                output.unicodeScalars.append(hex[Int(byte & 0xF)])
            }
        }
        return output
    }
}
