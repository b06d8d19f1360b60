#if canImport(Glibc)
public import Glibc
#elseif canImport(Musl)
public import Musl
#elseif canImport(Darwin)
public import Darwin
#endif

/// TCP ports on 127.0.0.1, for tests that start servers of their own.
public enum LoopbackPort {
    /// The address 127.0.0.1:`port`.
    public static func address(_ port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        address.sin_port = UInt16(port).bigEndian
        return address
    }

    /// Binds a socket to 127.0.0.1:`port` (0: the system picks one) and closes it at once: the port bound,
    /// or nil when it is taken (another process may still take it afterwards).
    public static func bind(_ port: Int = 0) -> Int? {
        let descriptor = makeSocket()
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var address = address(port)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemBind(descriptor, $0, length) && getsockname(descriptor, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: address.sin_port)) : nil
    }

    /// Runs `body` with a port of 127.0.0.1 that a socket of this process listens on (the system picks it), for
    /// tests of a port in use; the socket closes after `body`. - Throws: when no port can be bound.
    public static func withListener<T>(_ body: (Int) async throws -> T) async throws -> T {
        let descriptor = makeSocket()
        guard descriptor >= 0 else { throw ListenerError() }
        defer { close(descriptor) }
        var address = address(0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                systemBind(descriptor, $0, length) && listen(descriptor, 1) == 0 && getsockname(descriptor, $0, &length) == 0
            }
        }
        guard listening else { throw ListenerError() }
        return try await body(Int(UInt16(bigEndian: address.sin_port)))
    }

    /// Whether something accepts TCP connections on 127.0.0.1:`port`.
    public static func isListening(_ port: Int) -> Bool {
        let descriptor = makeSocket()
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        var address = address(port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func makeSocket() -> Int32 {
        #if canImport(Darwin)
        socket(AF_INET, SOCK_STREAM, 0)
        #else
        socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #endif
    }

    private static func systemBind(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Bool {
        #if canImport(Darwin)
        Darwin.bind(descriptor, address, length) == 0
        #elseif canImport(Musl)
        Musl.bind(descriptor, address, length) == 0
        #else
        Glibc.bind(descriptor, address, length) == 0
        #endif
    }
}

/// No socket could listen on 127.0.0.1 (``LoopbackPort/withListener(_:)``).
public struct ListenerError: Error {}
