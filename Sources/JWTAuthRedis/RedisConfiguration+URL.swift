import JWTAuth

extension RedisConfiguration {
    /// Reads `redis://[user:password@]host[:port][/db]`; the other settings keep their defaults.
    ///
    /// `redis://:password@host` authenticates as the default user. User and password may be
    /// percent-encoded; an IPv6 host goes in brackets. Throws ``RedisError/Code/invalidURL`` otherwise
    /// (`rediss://` included: TLS is not supported).
    public init(url: String) throws(RedisError) {
        self.init()
        guard url.lowercased().hasPrefix("redis://") else { throw Self.invalid("it must start with redis://") }
        var rest = Substring(url.dropFirst("redis://".count))
        if rest.contains("?") || rest.contains("#") { throw Self.invalid("query and fragment are not supported") }

        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            guard let colon = userInfo.firstIndex(of: ":") else { throw Self.invalid("expected user:password@ or :password@") }
            let user = try Self.percentDecoded(userInfo[..<colon])
            let password = try Self.percentDecoded(userInfo[userInfo.index(after: colon)...])
            guard !password.isEmpty else { throw Self.invalid("the password is empty") }
            self.username = user.isEmpty ? nil : user
            self.password = password
        }

        let authority = rest.prefix { $0 != "/" }
        let path = rest.dropFirst(authority.count)
        (host, port) = try Self.hostAndPort(authority)
        if path.count > 1 {
            guard let database = Int(path.dropFirst()), database >= 0, path.dropFirst().allSatisfy(\.isASCIIDigit) else {
                throw Self.invalid("the database must be a number")
            }
            self.database = database
        }
    }

    private static func hostAndPort(_ authority: Substring) throws(RedisError) -> (String, Int) {
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
        return (String(host), portText.isEmpty ? 6379 : Int(portText)!)
    }

    private static func percentDecoded(_ text: Substring) throws(RedisError) -> String {
        guard let decoded = PercentDecoding.decode(text) else { throw invalid("bad percent-encoding in the user or password") }
        return decoded
    }

    static func invalid(_ reason: String) -> RedisError {
        RedisError(code: .invalidURL, message: "Invalid Redis URL: \(reason)")
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
