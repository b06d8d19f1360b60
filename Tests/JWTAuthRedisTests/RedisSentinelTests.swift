import JWTAuthRedis
import Testing

/// `redis+sentinel://` against the shared group of scripts/redis-test-server (a master, a replica, three
/// sentinels), which no test fails over.
@Suite(.enabled(if: RedisTestServers.enabled(RedisTestServers.sentinel)))
struct RedisSentinelTests {
    func configuration(_ url: String) throws -> RedisConfiguration {
        var configuration = try RedisConfiguration(url: url)
        configuration.commandTimeout = .seconds(15)
        configuration.connectTimeout = .seconds(15)
        return configuration
    }

    /// The address of the shared group's master or replica, asked of its first sentinel.
    func address(of role: String) async throws -> (host: String, port: Int) {
        let sentinel = try #require(try RedisConfiguration(url: RedisTestServers.url(RedisTestServers.sentinel)).sentinel)
        let node = try #require(sentinel.nodes.first)
        let client = RedisClient(configuration: RedisConfiguration(host: node.host, port: node.port, password: sentinel.password, poolSize: 1))
        defer { Task { await client.close() } }
        let command = role == "master" ? ["SENTINEL", "get-master-addr-by-name", "mymaster"] : ["SENTINEL", "replicas", "mymaster"]
        let reply = try await client.send(command)
        guard case .array(let values?) = reply else { throw RedisError.protocolError }
        if role == "master" { return (try #require(values[0].string), try #require(values[1].string.flatMap(Int.init))) }
        // SENTINEL replicas: one flat list of field names and values per replica.
        guard case .array(let fields?) = try #require(values.first) else { throw RedisError.protocolError }
        let strings = fields.compactMap(\.string)
        let value = { (name: String) in strings.firstIndex(of: name).map { strings[$0 + 1] } }
        return (try #require(value("ip")), try #require(value("port").flatMap(Int.init)))
    }

    @Test func findsTheMasterThroughTheSentinelsAndWritesThereAsTheACLUser() async throws {
        let url = try RedisTestServers.url(RedisTestServers.sentinel, userInfo: RedisTestServers.aclUser)
        let client = RedisClient(configuration: try configuration(url.replacingFirst("/mymaster", with: "/mymaster/3")))
        let key = RedisTestServers.uniquePrefix() + "sentinel"
        _ = try await client.send("SET", key, "on the master")
        #expect(try await client.send("GET", key).string == "on the master")
        #expect(try await client.send("ACL", "WHOAMI").string == "jwt-auth-tester")
        guard case .array(let role?) = try await client.send("ROLE") else { throw RedisError.protocolError }
        #expect(role.first?.string == "master")
        // The master the sentinels name, on database 3.
        let master = try await address(of: "master")
        let direct = RedisClient(
            configuration: RedisConfiguration(host: master.host, port: master.port, password: "jwt-auth-test-password", database: 3, poolSize: 1)
        )
        #expect(try await direct.send("GET", key).string == "on the master")
        _ = try await client.send("DEL", key)
        await direct.close()
        await client.close()
    }

    @Test func sentinelsThatRequireAPasswordRefuseAClientWithoutIt() async throws {
        let url = try RedisTestServers.url(RedisTestServers.sentinel)
        let withoutIt = String(try #require(url.split(separator: "?").first))
        let client = RedisClient(configuration: try configuration(withoutIt))
        let error = await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        #expect(error?.message.contains("NOAUTH") == true, "\(String(describing: error))")
        #expect(error?.message.contains("jwt-auth-sentinel-password") == false)
        await client.close()
    }

    @Test func sentinelsThatAreDownAreSkipped() async throws {
        let url = try RedisTestServers.url(RedisTestServers.sentinel, userInfo: RedisTestServers.aclUser)
        let withDeadOnes = url.replacingFirst(
            "://jwt-auth-tester:jwt-auth-test-user-password@",
            with: "://jwt-auth-tester:jwt-auth-test-user-password@127.0.0.1:1,[::1]:1,"
        )
        let client = RedisClient(configuration: try configuration(withDeadOnes))
        #expect(try await client.send("PING") == .simpleString("PONG"))
        await client.close()
    }

    @Test func aMasterNameNoSentinelKnowsFailsClearly() async throws {
        let url = try RedisTestServers.url(RedisTestServers.sentinel).replacingFirst("/mymaster", with: "/no-such-master")
        let client = RedisClient(configuration: try configuration(url))
        let error = await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        #expect(error?.message.contains("knows no master no-such-master") == true, "\(String(describing: error))")
        await client.close()
    }

    @Test func noSentinelReachableFailsAtOnce() async throws {
        let client = RedisClient(configuration: try configuration("redis+sentinel://127.0.0.1:1,127.0.0.1:1/mymaster"))
        let error = await #expect(throws: RedisError.connectionFailed) { try await client.send("PING") }
        #expect(error?.message.contains("No sentinel named the master mymaster") == true, "\(String(describing: error))")
        await client.close()
    }

    /// A sentinel that names a replica (one that has not yet seen a failover, or lies): the client checks
    /// `ROLE`, refuses the node, and writes nothing there.
    @Test(.bug(id: 20, "never write to a replica")) func aReplicaNamedAsTheMasterIsRefused() async throws {
        let replica = try await address(of: "replica")
        let liar = try await FakeRedisServer { _, _ in
            "*2\r\n$\(replica.host.utf8.count)\r\n\(replica.host)\r\n$\(String(replica.port).count)\r\n\(replica.port)\r\n"
        }
        var configuration = try configuration("redis+sentinel://jwt-auth-tester:jwt-auth-test-user-password@127.0.0.1:\(liar.port)/mymaster")
        configuration.poolSize = 1
        let client = RedisClient(configuration: configuration)
        let key = RedisTestServers.uniquePrefix() + "never"
        let error = await #expect(throws: RedisError.connectionFailed) { try await client.send("SET", key, "1") }
        #expect(error?.message.contains("is not a master") == true, "\(String(describing: error))")
        await client.close()
        try await liar.close()
    }
}

/// `-READONLY` from a master turned into a replica (a fake one): the connection is dropped and the command
/// goes to the master the sentinels name now.
@Suite struct RedisSentinelReadOnlyTests {
    @Test(.bug(id: 20, "follow a failover")) func aReadOnlyReplyDropsTheConnectionAndTheCommandGoesToTheNewMaster() async throws {
        let master = "*4\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
        let node = try await FakeRedisServer { connection, read in
            switch (connection, read) {
            case (_, 0): master  // HELLO 2
            case (0, _): "-READONLY You can't write against a read only replica.\r\n"
            default: "+OK\r\n"
            }
        }
        let address = "*2\r\n$9\r\n127.0.0.1\r\n$\(String(node.port).count)\r\n\(node.port)\r\n"
        let sentinel = try await FakeRedisServer { _, _ in address }
        let client = RedisClient(
            configuration: RedisConfiguration(
                sentinel: RedisSentinel(nodes: [.init(host: "127.0.0.1", port: sentinel.port)], masterName: "mymaster"),
                poolSize: 1,
                commandTimeout: .seconds(10)
            )
        )
        #expect(try await client.send("SET", "k", "v") == .simpleString("OK"))
        #expect(node.connectionCount == 2)
        #expect(sentinel.connectionCount == 2, "the sentinels were not asked again")
        await client.close()
        try await node.close()
        try await sentinel.close()
    }
}

extension String {
    fileprivate func replacingFirst(_ target: String, with replacement: String) -> String {
        guard let range = firstRange(of: target) else { return self }
        return String(self[..<range.lowerBound]) + replacement + String(self[range.upperBound...])
    }
}
