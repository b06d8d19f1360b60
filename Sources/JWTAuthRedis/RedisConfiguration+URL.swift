import JWTAuth

extension RedisConfiguration {
    /// Reads a Redis URL; the other settings keep their defaults:
    ///
    /// - `redis://[user:password@]host[:port][/db]`: one server, plain TCP (port 6379 by default);
    /// - `rediss://…`: the same over TLS, with ``RedisTLS``'s defaults (the system's trust store; set ``tls``
    ///   to trust another CA or verify another name);
    /// - `redis+sentinel://[user:password@]host1[:port],host2[:port],…/MASTER_NAME[/db]`: the master the
    ///   sentinels name (port 26379 by default), see ``RedisSentinel``; `rediss+sentinel://` for TLS to the
    ///   sentinels and the master. User and password are the master's; the sentinels' own, when they need one,
    ///   go in the query: `?sentinel_password=…` (and `sentinel_username=…`).
    ///
    /// `redis://:password@host` authenticates as the default user. User and password may be
    /// percent-encoded; an IPv6 host goes in brackets. Throws ``RedisError/Code/invalidURL`` otherwise.
    public init(url: String) throws(RedisError) {
        self.init()
        let schemes = [
            ("redis://", false, false), ("rediss://", true, false), ("redis+sentinel://", false, true), ("rediss+sentinel://", true, true),
        ]
        guard let (scheme, isTLS, isSentinel) = schemes.first(where: { url.lowercased().hasPrefix($0.0) }) else {
            throw Self.invalid("it must start with redis://, rediss://, redis+sentinel:// or rediss+sentinel://")
        }
        var rest = Substring(url.dropFirst(scheme.count))
        if rest.contains("#") { throw Self.invalid("a fragment is not supported") }
        var query: Substring = ""
        if let mark = rest.firstIndex(of: "?") {
            guard isSentinel else { throw Self.invalid("a query is only read with redis+sentinel://") }
            query = rest[rest.index(after: mark)...]
            rest = rest[..<mark]
        }
        if isTLS { tls = RedisTLS() }

        if let at = rest.lastIndex(of: "@") {
            (username, password) = try Self.credentials(rest[..<at])
            rest = rest[rest.index(after: at)...]
        }

        let authority = rest.prefix { $0 != "/" }
        var path = rest.dropFirst(authority.count).split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        if isSentinel {
            var nodes: [RedisSentinel.Node] = []
            for node in authority.split(separator: ",", omittingEmptySubsequences: false) {
                let (host, port) = try Self.hostAndPort(node, defaultPort: 26379)
                nodes.append(RedisSentinel.Node(host: host, port: port))
            }
            guard let name = path.popFirst(), !name.isEmpty else { throw Self.invalid("the master name is missing (…/MASTER_NAME[/db])") }
            sentinel = RedisSentinel(nodes: nodes, masterName: String(name))
            try readSentinelQuery(query)
        } else {
            (host, port) = try Self.hostAndPort(authority, defaultPort: 6379)
        }
        if path.last == "" { path.removeLast() }  // a trailing slash
        if let text = path.popFirst() {
            guard let database = Int(text), database >= 0, text.allSatisfy(\.isASCIIDigit) else {
                throw Self.invalid("the database must be a number")
            }
            self.database = database
        }
        guard path.isEmpty else { throw Self.invalid("unexpected text after the database") }
    }

    /// `user:password`, either percent-encoded; the user may be empty (the default user), the password not.
    private static func credentials(_ userInfo: Substring) throws(RedisError) -> (String?, String?) {
        guard let colon = userInfo.firstIndex(of: ":") else { throw invalid("expected user:password@ or :password@") }
        let user = try percentDecoded(userInfo[..<colon])
        let password = try percentDecoded(userInfo[userInfo.index(after: colon)...])
        guard !password.isEmpty else { throw invalid("the password is empty") }
        return (user.isEmpty ? nil : user, password)
    }

    /// `sentinel_username=…&sentinel_password=…`, percent-encoded.
    private mutating func readSentinelQuery(_ query: Substring) throws(RedisError) {
        for pair in query.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let value = try parts.count == 2 ? Self.percentDecoded(parts[1]) : ""
            switch parts[0] {
            case "sentinel_password" where !value.isEmpty: sentinel?.password = value
            case "sentinel_username" where !value.isEmpty: sentinel?.username = value
            default: throw Self.invalid("the query may only hold sentinel_password and sentinel_username, not empty")
            }
        }
        if sentinel?.username != nil, sentinel?.password == nil { throw Self.invalid("sentinel_username needs sentinel_password") }
    }

    private static func hostAndPort(_ authority: Substring, defaultPort: Int) throws(RedisError) -> (String, Int) {
        var host = authority
        var portText: Substring = ""
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw invalid("unclosed [ in the host") }
            host = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw invalid("unexpected text after the host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            portText = authority[authority.index(after: colon)...]
        }
        guard !host.isEmpty else { throw invalid("the host is missing") }
        guard portText.isEmpty || (portText.allSatisfy(\.isASCIIDigit) && Int(portText).map({ (1...65535).contains($0) }) == true) else {
            throw invalid("the port must be a number from 1 to 65535")
        }
        return (String(host), portText.isEmpty ? defaultPort : Int(portText)!)
    }

    private static func percentDecoded(_ text: Substring) throws(RedisError) -> String {
        guard let decoded = PercentDecoding.decode(text) else { throw invalid("bad percent-encoding in a user or password") }
        return decoded
    }

    static func invalid(_ reason: String) -> RedisError {
        RedisError(code: .invalidURL, message: "Invalid Redis URL: \(reason)")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
