import JWTAuthRedis
import NIOCore
import Testing

@Suite struct RESPEncoderTests {
    @Test func encodesACommandAsAnArrayOfBulkStrings() {
        let bytes = RESPEncoder.encode(["SET", "jwt:jti:a", "1", "EX", "60"])
        #expect(String(buffer: bytes) == "*5\r\n$3\r\nSET\r\n$9\r\njwt:jti:a\r\n$1\r\n1\r\n$2\r\nEX\r\n$2\r\n60\r\n")
    }

    @Test func lengthsCountUTF8BytesAndArgumentsMayHoldAnything() throws {
        let command = ["ECHO", "é\r\n*1\r\n", ""]
        let bytes = RESPEncoder.encode(command)
        #expect(String(buffer: bytes).hasPrefix("*3\r\n$4\r\nECHO\r\n$8\r\né\r\n*1\r\n\r\n$0\r\n\r\n"))
        var parser = RESPParser()
        parser.append(bytes)
        #expect(try parser.next() == .value(.array(command.map { .bulkString($0) })))
    }
}
