import NIOCore
import NIOSSL

extension RedisConnection {
    /// Opens a connection to the data node `configuration` names, authenticated and on its database: its host,
    /// or with ``RedisConfiguration/sentinel`` the master the sentinels name, checked with `HELLO`.
    /// Returns the master's address (`host:port`) with Sentinel, nil otherwise.
    /// - Throws: ``RedisError/Code/connectionFailed`` when no node could be reached, no sentinel named a master,
    ///   or the node named is not a master (the sentinels are asked again on the next attempt).
    static func open(
        _ configuration: RedisConfiguration,
        tls: NIOSSLContext?,
        on eventLoop: any EventLoop
    ) async throws -> (connection: RedisConnection, master: String?) {
        var setup = authCommand(username: configuration.username, password: configuration.password)
        if configuration.database != 0 { setup.append(["SELECT", String(configuration.database)]) }
        guard let sentinel = configuration.sentinel else {
            let (connection, _) = try await connect(
                host: configuration.host,
                port: configuration.port,
                setup: setup,
                configuration,
                tls: tls,
                on: eventLoop
            )
            return (connection, nil)
        }
        let (host, port) = try await master(of: sentinel, configuration, tls: tls, on: eventLoop)
        // HELLO (Redis 6 and later) says the node's role to any user; ROLE needs @admin.
        let (connection, replies) = try await connect(
            host: host,
            port: port,
            setup: setup + [["HELLO", "2"]],
            configuration,
            tls: tls,
            on: eventLoop
        )
        let address = "\(RedisConfiguration.hostText(host)):\(port)"
        guard replies.last?.helloField("role") == "master" else {
            await connection.close()
            throw RedisError(
                code: .connectionFailed,
                message: "\(address), named by the sentinels as the master \(sentinel.masterName), is not a master (yet)",
                isUnsent: true
            )
        }
        return (connection, address)
    }

    /// Asks the sentinels in turn for the address of the master until one names it.
    static func master(
        of sentinel: RedisSentinel,
        _ configuration: RedisConfiguration,
        tls: NIOSSLContext?,
        on eventLoop: any EventLoop
    ) async throws -> (host: String, port: Int) {
        var failures: [String] = []
        let setup = authCommand(username: sentinel.username, password: sentinel.password)
        for node in sentinel.nodes {
            do {
                let (connection, _) = try await connect(host: node.host, port: node.port, setup: setup, configuration, tls: tls, on: eventLoop)
                let reply = try await connection.send(
                    ["SENTINEL", "get-master-addr-by-name", sentinel.masterName],
                    timeout: configuration.commandTimeout
                )
                await connection.close()
                if case .array(let address?) = reply, address.count == 2, let host = address[0].string,
                    let port = address[1].string.flatMap(Int.init), (1...65535).contains(port)
                {
                    return (host, port)
                }
                failures.append("\(node) " + (reply.isNull ? "knows no master \(sentinel.masterName)" : "answered \(reply.errorText)"))
            } catch {
                failures.append("\(node): \((error as? RedisError)?.message ?? "\(error)")")
            }
        }
        throw RedisError(
            code: .connectionFailed,
            message: "No sentinel named the master \(sentinel.masterName): \(failures.joined(separator: "; "))",
            isUnsent: true
        )
    }
}

extension RESPValue {
    /// The value of `name` in a `HELLO 2` reply (an array of names and values).
    fileprivate func helloField(_ name: String) -> String? {
        guard case .array(let fields?) = self else { return nil }
        return stride(from: 0, to: fields.count - 1, by: 2).first { fields[$0].string == name }.flatMap { fields[$0 + 1].string }
    }

    /// An error reply's text, or a note on the reply's shape, for messages.
    fileprivate var errorText: String {
        if case .error(let message) = self { return message }
        return "with an unexpected reply"
    }
}
