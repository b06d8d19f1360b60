import JWTAuthRedis
import NIOCore
import Testing

/// One reply of each type, as sent and as parsed.
let sampleReplies: [(String, RESPValue)] = [
    ("+OK\r\n", .simpleString("OK")),
    ("-ERR unknown command\r\n", .error("ERR unknown command")),
    (":-42\r\n", .integer(-42)),
    (":9223372036854775807\r\n", .integer(.max)),
    ("$7\r\nhe\r\nllo\r\n", .bulkString("he\r\nllo")),
    ("$0\r\n\r\n", .bulkString("")),
    ("$-1\r\n", .bulkString(nil)),
    ("*-1\r\n", .array(nil)),
    ("*0\r\n", .array([])),
    ("*3\r\n:1\r\n$1\r\na\r\n*1\r\n+x\r\n", .array([.integer(1), .bulkString("a"), .array([.simpleString("x")])])),
    ("_\r\n", .null),
    ("#t\r\n", .boolean(true)),
    ("#f\r\n", .boolean(false)),
    (",1.5\r\n", .double(1.5)),
    (",-inf\r\n", .double(-.infinity)),
    ("%2\r\n+a\r\n:1\r\n+b\r\n_\r\n", .map([.init(key: .simpleString("a"), value: .integer(1)), .init(key: .simpleString("b"), value: .null)])),
    ("~2\r\n:1\r\n:2\r\n", .set([.integer(1), .integer(2)])),
    (">2\r\n+message\r\n$2\r\nhi\r\n", .push([.simpleString("message"), .bulkString("hi")])),
    ("(3492890328409238509324850943850943825024385\r\n", .bigNumber("3492890328409238509324850943850943825024385")),
    ("=15\r\ntxt:Some string\r\n", .verbatimString(format: "txt", text: "Some string")),
    ("!9\r\nERR oops!\r\n", .error("ERR oops!")),
]

@Suite struct RESPParserTests {
    @Test(arguments: sampleReplies) func parsesEachType(reply: String, expected: RESPValue) throws {
        var parser = RESPParser()
        parser.append(Array(reply.utf8))
        #expect(try parser.next() == .value(expected))
        #expect(try parser.next() == .needMoreData)
    }

    @Test(arguments: sampleReplies) func fragmentedAtEveryByteBoundary(reply: String, expected: RESPValue) throws {
        let bytes = Array(reply.utf8)
        for split in 1..<bytes.count {
            var parser = RESPParser()
            parser.append(bytes[..<split])
            #expect(try parser.next() == .needMoreData, "split at \(split)")
            parser.append(bytes[split...])
            #expect(try parser.next() == .value(expected), "split at \(split)")
        }
    }

    @Test(arguments: sampleReplies) func fedOneByteAtATime(reply: String, expected: RESPValue) throws {
        var parser = RESPParser()
        var outputs: [RESPParser.Output] = []
        for byte in reply.utf8 {
            parser.append(ByteBuffer(bytes: [byte]))
            outputs.append(try parser.next())
        }
        #expect(outputs.dropLast().allSatisfy { $0 == .needMoreData })
        #expect(outputs.last == .value(expected))
    }

    @Test func pipelinedRepliesInOneBufferComeOutInOrder() throws {
        var parser = RESPParser()
        parser.append(ByteBuffer(string: sampleReplies.map(\.0).joined()))
        for (_, expected) in sampleReplies {
            #expect(try parser.next() == .value(expected))
        }
        #expect(try parser.next() == .needMoreData)
    }

    @Test func aReplySplitAcrossBuffersWaitsForItsEnd() throws {
        var parser = RESPParser()
        parser.append(ByteBuffer(string: "+OK\r\n$5\r\nhel"))
        #expect(try parser.next() == .value(.simpleString("OK")))
        #expect(try parser.next() == .needMoreData)
        parser.append(ByteBuffer(string: "lo\r\n:1"))
        #expect(try parser.next() == .value(.bulkString("hello")))
        #expect(try parser.next() == .needMoreData)
        parser.append(ByteBuffer(string: "\r\n"))
        #expect(try parser.next() == .value(.integer(1)))
    }

    @Test(
        arguments: [
            "?x\r\n",  // unknown type byte
            "|1\r\n+a\r\n+b\r\n+OK\r\n",  // attributes are not supported
            "$abc\r\n",  // length not a number
            "$ 3\r\nabc\r\n",
            "$+3\r\nabc\r\n",
            "$\r\n",
            "$-2\r\n",  // negative length other than -1
            "*-5\r\n",
            "%-1\r\n",  // no null map
            "=-1\r\n",
            "+OK\n",  // LF without CR
            "+OK\rX\r\n",  // CR without LF
            "$3\r\nabcXY",  // bulk string not followed by CRLF
            ":12a\r\n",  // non-numeric integer
            ":\r\n",
            ":-\r\n",
            ":99999999999999999999\r\n",  // out of range
            "#x\r\n",
            ",abc\r\n",
            "_x\r\n",
            "(12a\r\n",
            "=2\r\nab\r\n",  // verbatim string without a format
        ]
    )
    func malformedInputIsAParseErrorAndStaysOne(input: String) throws {
        var parser = RESPParser()
        parser.append(Array(input.utf8))
        #expect(throws: RedisError.protocolError) { try parser.next() }
        parser.append(Array("+OK\r\n".utf8))
        #expect(throws: RedisError.protocolError) { try parser.next() }
    }

    @Test func nestingDeeperThanTheLimitIsRefused() throws {
        var deep = RESPParser(maximumDepth: 32)
        deep.append(Array((String(repeating: "*1\r\n", count: 33) + ":1\r\n").utf8))
        #expect(throws: RedisError.protocolError) { try deep.next() }

        var limit = RESPParser(maximumDepth: 32)
        limit.append(Array((String(repeating: "*1\r\n", count: 32) + ":1\r\n").utf8))
        var expected = RESPValue.integer(1)
        for _ in 0..<32 { expected = .array([expected]) }
        #expect(try limit.next() == .value(expected))
    }

    @Test func aBulkStringLongerThanTheLimitIsRefusedBeforeItArrives() throws {
        var parser = RESPParser(maximumBulkLength: 16)
        parser.append(Array("$17\r\n".utf8))
        #expect(throws: RedisError.protocolError) { try parser.next() }

        var byDefault = RESPParser()
        byDefault.append(Array("$9999999999\r\n".utf8))
        #expect(throws: RedisError.protocolError) { try byDefault.next() }
    }

    @Test func aHugeDeclaredAggregateIsRefusedWithoutAllocating() throws {
        var parser = RESPParser()
        parser.append(Array("*2147483647\r\n".utf8))
        #expect(throws: RedisError.protocolError) { try parser.next() }

        var map = RESPParser(maximumElementCount: 10)
        map.append(Array("%11\r\n".utf8))
        #expect(throws: RedisError.protocolError) { try map.next() }

        // Within the limit, a large declared count only waits for its elements.
        var large = RESPParser()
        large.append(Array("*1000000\r\n:1\r\n".utf8))
        #expect(try large.next() == .needMoreData)
    }

    @Test func aLineWithoutCRLFIsNotBufferedPastTheLimit() throws {
        var parser = RESPParser(maximumLineLength: 8)
        parser.append(Array("+12345678".utf8))
        #expect(try parser.next() == .needMoreData)
        parser.append(Array("9".utf8))
        #expect(throws: RedisError.protocolError) { try parser.next() }

        var byDefault = RESPParser()
        byDefault.append(Array("+".utf8))
        for _ in 0..<20 {
            byDefault.append(ByteBuffer(repeating: UInt8(ascii: "a"), count: 4096))
            _ = try? byDefault.next()
        }
        #expect(throws: RedisError.protocolError) { try byDefault.next() }
    }
}
