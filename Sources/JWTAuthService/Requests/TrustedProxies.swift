public import HTTPTypes
public import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The proxies (load balancers, gateways) whose forwarding headers name the client, for login and
/// registration throttling by client address.
///
/// Only when the connection's peer is one of them is the client taken from `X-Forwarded-For` (the
/// right-most address that is not itself a trusted proxy) or, without that header, from `Forwarded`
/// (RFC 7239, its `for=` parameters read the same way). Otherwise both headers are ignored, since any
/// client can send them. Configure the proxy to append to (or overwrite) one of the two. Defaults to
/// none: the client address is always the peer's.
public struct TrustedProxies: Sendable, Hashable {
    /// An entry that is neither an IP address nor a CIDR range.
    public struct InvalidEntry: Error, Sendable, Equatable {
        public let entry: String
    }

    /// One address range: the network's bytes (4 for IPv4, 16 for IPv6) and its prefix length.
    struct Range: Sendable, Hashable {
        let network: [UInt8]
        let prefixLength: Int

        func contains(_ address: [UInt8]) -> Bool {
            guard address.count == network.count else { return false }
            var remaining = prefixLength
            for (a, n) in zip(address, network) where remaining > 0 {
                let bits = min(8, remaining)
                let mask = UInt8(truncatingIfNeeded: 0xFF << (8 - bits))
                if a & mask != n & mask { return false }
                remaining -= bits
            }
            return true
        }
    }

    let ranges: [Range]

    /// No trusted proxy.
    public init() { ranges = [] }

    /// The comma-separated addresses and CIDR ranges in `list`, e.g. `10.0.0.0/8, 192.168.1.7, ::1`.
    /// - Throws: ``InvalidEntry`` naming the first entry that is neither.
    public init(_ list: String) throws(InvalidEntry) {
        var ranges: [Range] = []
        for rawEntry in list.split(separator: ",") {
            let entry = rawEntry.trimmingCharacters(in: " \t")
            guard !entry.isEmpty else { continue }
            let parts = entry.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            guard let bytes = Self.bytes(of: String(parts[0])) else { throw InvalidEntry(entry: entry) }
            var prefixLength = bytes.count * 8
            if parts.count == 2 {
                guard let length = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (0...prefixLength).contains(length) else {
                    throw InvalidEntry(entry: entry)
                }
                prefixLength = length
            }
            ranges.append(Range(network: bytes, prefixLength: prefixLength))
        }
        self.ranges = ranges
    }

    /// Whether no proxy is trusted.
    public var isEmpty: Bool { ranges.isEmpty }

    /// Whether `address` (an IP address in text) is a trusted proxy.
    public func contains(_ address: String) -> Bool {
        guard let bytes = Self.bytes(of: address) else { return false }
        return ranges.contains { $0.contains(bytes) }
    }

    /// The client's address for a request with `headers` that came from `peer`: the peer's own address,
    /// unless the peer is trusted and a forwarding header names one. "unknown" when nothing is known.
    public func clientAddress(headers: HTTPFields, peer: SocketAddress?) -> String {
        let peerAddress = peer?.ipAddress.map(Self.normalized) ?? "unknown"
        guard !ranges.isEmpty, contains(peerAddress) else { return peerAddress }
        var hops: [String] = headers[values: Self.xForwardedFor].flatMap { $0.split(separator: ",").map { $0.trimmingCharacters(in: " \t") } }
        if hops.isEmpty { hops = headers[values: Self.forwarded].flatMap(Self.forwardedFor) }
        // From the right: each trusted hop vouches for the one before it; the first untrusted one is the client.
        for hop in hops.reversed() {
            let address = Self.normalized(hop)
            guard contains(address) else { return address.isEmpty ? "unknown" : String(address.prefix(64)) }
        }
        return hops.first.map(Self.normalized) ?? peerAddress
    }

    package static let xForwardedFor = HTTPField.Name("X-Forwarded-For")!
    package static let forwarded = HTTPField.Name("Forwarded")!

    /// The `for=` values of a `Forwarded` field (RFC 7239 §4), in order.
    static func forwardedFor(_ field: String) -> [String] {
        field.split(separator: ",").compactMap { element in
            for pair in element.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2, parts[0].trimmingCharacters(in: " \t").lowercased() == "for" else { continue }
                return parts[1].trimmingCharacters(in: " \t\"")
            }
            return nil
        }
    }

    /// An address without brackets or port (`[::1]:80` → `::1`, `1.2.3.4:80` → `1.2.3.4`), IPv4-mapped
    /// IPv6 as IPv4, in its canonical text when it is an IP address.
    static func normalized(_ text: String) -> String {
        var address = Substring(text)
        if address.hasPrefix("["), let end = address.firstIndex(of: "]") {
            address = address[address.index(after: address.startIndex)..<end]
        } else if address.filter({ $0 == ":" }).count == 1, let colon = address.firstIndex(of: ":") {
            address = address[..<colon]
        }
        guard let bytes = Self.bytes(of: String(address)) else { return String(address) }
        return Self.text(of: bytes)
    }

    /// The 4 or 16 bytes of an IP address (IPv4-mapped IPv6 as its 4 IPv4 bytes), or nil.
    static func bytes(of text: String) -> [UInt8]? {
        var bytes = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET, text, &bytes) == 1 { return Array(bytes.prefix(4)) }
        guard inet_pton(AF_INET6, text, &bytes) == 1 else { return nil }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF { return Array(bytes[12...]) }
        return bytes
    }

    static func text(of bytes: [UInt8]) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let family = bytes.count == 4 ? AF_INET : AF_INET6
        let written = bytes.withUnsafeBytes { raw in inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) }
        guard written != nil else { return "unknown" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: String) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: String) -> String { Substring(self).trimmingCharacters(in: set) }
}
