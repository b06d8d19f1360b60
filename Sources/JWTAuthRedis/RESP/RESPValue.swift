/// One reply of the Redis serialization protocol: the RESP2 types and the RESP3 ones a server may send.
package enum RESPValue: Sendable, Hashable {
    /// `+OK`
    case simpleString(String)
    /// `-ERR …` and the RESP3 bulk error `!`.
    case error(String)
    /// `:42`
    case integer(Int64)
    /// `$3 abc`; nil for the null bulk string `$-1`.
    case bulkString([UInt8]?)
    /// `*2 …`; nil for the null array `*-1`.
    case array([RESPValue]?)
    /// RESP3 `_`.
    case null
    /// RESP3 `#t` / `#f`.
    case boolean(Bool)
    /// RESP3 `,1.5` (also `inf`, `-inf`, `nan`).
    case double(Double)
    /// RESP3 `%`: key–value pairs in the order received.
    case map([MapEntry])
    /// RESP3 `~`.
    case set([RESPValue])
    /// RESP3 `>`: out-of-band data, never the reply to a command.
    case push([RESPValue])
    /// RESP3 `(`: an integer of any size, as its decimal digits.
    case bigNumber(String)
    /// RESP3 `=`: text with a three-letter format such as `txt` or `mkd`.
    case verbatimString(format: String, text: String)

    /// One entry of a ``RESPValue/map(_:)``.
    package struct MapEntry: Sendable, Hashable {
        package var key: RESPValue
        package var value: RESPValue

        package init(key: RESPValue, value: RESPValue) {
            self.key = key
            self.value = value
        }
    }

    /// A bulk string holding the UTF-8 bytes of `text`.
    package static func bulkString(_ text: String) -> Self { .bulkString(Array(text.utf8)) }

    /// The text of a simple, bulk or verbatim string; nil for other values.
    package var string: String? {
        switch self {
        case .simpleString(let text): text
        case .bulkString(let bytes?): String(decoding: bytes, as: UTF8.self)
        case .verbatimString(_, let text): text
        default: nil
        }
    }

    /// Whether this is a null: `$-1`, `*-1` or `_`.
    package var isNull: Bool {
        switch self {
        case .null, .bulkString(nil), .array(nil): true
        default: false
        }
    }
}
