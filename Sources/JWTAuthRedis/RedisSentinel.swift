/// Redis Sentinel: the client asks the sentinels where the master is, and asks again when it loses it.
///
/// Each new connection asks the sentinels in turn (`SENTINEL get-master-addr-by-name`) until one names the
/// master, connects to it and checks that it is one (`HELLO` names its role: Redis 6 or later). A connection
/// that closes (the master died), or answers `-READONLY` (it was turned into a replica), is replaced the same
/// way, so the client follows a failover by itself and never writes to a replica. Build it from a URL with
/// ``RedisConfiguration/init(url:)``: `redis+sentinel://host1:port,host2:port,host3:port/MASTER_NAME[/db]`.
public struct RedisSentinel: Sendable {
    /// A sentinel's address.
    public struct Node: Sendable, Hashable, CustomStringConvertible {
        public var host: String
        /// Defaults to 26379.
        public var port: Int

        public init(host: String, port: Int = 26379) {
            self.host = host
            self.port = port
        }

        public var description: String { "\(host.contains(":") ? "[\(host)]" : host):\(port)" }
    }

    /// The sentinels, asked in this order.
    public var nodes: [Node]
    /// The name the sentinels monitor the master under (`sentinel monitor NAME …`).
    public var masterName: String
    /// ACL user for `AUTH` on the sentinels; nil for the default user. The configuration's own
    /// ``RedisConfiguration/username`` and ``RedisConfiguration/password`` are for the master.
    public var username: String?
    /// Password for `AUTH` on the sentinels (their `requirepass`); nil to send none.
    public var password: String?

    public init(nodes: [Node], masterName: String, username: String? = nil, password: String? = nil) {
        self.nodes = nodes
        self.masterName = masterName
        self.username = username
        self.password = password
    }
}
