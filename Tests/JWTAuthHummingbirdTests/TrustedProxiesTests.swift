import HTTPTypes
import JWTAuthHummingbird
import NIOCore
import Testing

/// The client address behind trusted proxies (`JWT_AUTH_TRUSTED_PROXIES`).
@Suite struct TrustedProxiesTests {
    static let xff = HTTPField.Name("X-Forwarded-For")!
    static let forwarded = HTTPField.Name("Forwarded")!

    static func peer(_ address: String) throws -> SocketAddress { try SocketAddress(ipAddress: address, port: 40000) }

    @Test func parsesAddressesAndRanges() throws {
        let proxies = try TrustedProxies("10.0.0.0/8, 192.168.1.7,::1, 2001:db8::/32")
        for inside in ["10.1.2.3", "192.168.1.7", "::1", "2001:db8:1::5", "::ffff:10.9.9.9"] { #expect(proxies.contains(inside), "\(inside)") }
        for outside in ["11.0.0.1", "192.168.1.8", "::2", "2001:db9::1", "not an address"] { #expect(!proxies.contains(outside), "\(outside)") }
        #expect(try TrustedProxies("").isEmpty)
        for bad in ["10.0.0.0/33", "example.com", "10.0.0.1/x", "::1/129", "1.2.3"] {
            #expect(throws: TrustedProxies.InvalidEntry.self, "\(bad)") { try TrustedProxies(bad) }
        }
    }

    @Test(.bug(id: 15, "behind a load balancer every client had the balancer's address"))
    func theRightMostUntrustedForwardedAddressIsTheClient() throws {
        let proxies = try TrustedProxies("10.0.0.0/8")
        // The client may send any X-Forwarded-For; the trusted proxy appends the address it saw.
        let headers: HTTPFields = [Self.xff: "1.1.1.1, 203.0.113.9", Self.xff: "10.0.0.2"]
        #expect(proxies.clientAddress(headers: headers, peer: try Self.peer("10.0.0.1")) == "203.0.113.9")
        // Every hop trusted: the left-most.
        #expect(proxies.clientAddress(headers: [Self.xff: "10.0.0.3, 10.0.0.2"], peer: try Self.peer("10.0.0.1")) == "10.0.0.3")
        // No header: the peer.
        #expect(proxies.clientAddress(headers: [:], peer: try Self.peer("10.0.0.1")) == "10.0.0.1")
        // RFC 7239, with quotes, brackets and ports.
        let rfc: HTTPFields = [Self.forwarded: #"for=192.0.2.60;proto=http, for="[2001:db8:cafe::17]:4711", for=10.0.0.5"#]
        #expect(proxies.clientAddress(headers: rfc, peer: try Self.peer("10.0.0.1")) == "2001:db8:cafe::17")
    }

    @Test(.bug(id: 15, "forwarding headers from an untrusted peer must be ignored"))
    func forwardingHeadersFromAnUntrustedPeerAreIgnored() throws {
        let headers: HTTPFields = [Self.xff: "198.51.100.1", Self.forwarded: "for=198.51.100.2"]
        #expect(TrustedProxies().clientAddress(headers: headers, peer: try Self.peer("203.0.113.5")) == "203.0.113.5")
        let proxies = try TrustedProxies("10.0.0.0/8")
        #expect(proxies.clientAddress(headers: headers, peer: try Self.peer("203.0.113.5")) == "203.0.113.5")
        #expect(proxies.clientAddress(headers: headers, peer: nil) == "unknown")
    }
}
