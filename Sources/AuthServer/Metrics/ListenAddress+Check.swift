import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension ListenAddress {
    /// Binds a socket to this address and closes it again, so that a start whose second server cannot listen
    /// fails before the first one starts or anything is opened. A port taken after this check still fails the
    /// server's own bind (``ListenError`` then too).
    /// - Throws: ``ListenError`` when the bind fails: the port is taken, the address is not this machine's, or
    ///   the port is privileged.
    package func checkCanListen() throws(ListenError) {
        // Port 0 is any free port; a host that does not resolve is reported by the server's own bind.
        guard port != 0, let address = try? SocketAddress.makeAddressResolvingHost(host, port: port) else { return }
        #if canImport(Glibc)
        let stream = Int32(SOCK_STREAM.rawValue)
        #else
        let stream = SOCK_STREAM
        #endif
        let descriptor = socket(Int32(address.protocol.rawValue), stream, 0)
        guard descriptor >= 0 else { return }
        defer { close(descriptor) }
        // As the server binds (SO_REUSEADDR): a port left in TIME_WAIT is free, one another socket listens on is not.
        var one: Int32 = 1
        _ = setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        let result = address.withSockAddr { bind(descriptor, $0, socklen_t($1)) }
        if result != 0 { throw ListenError(address: self, errnoCode: errno) }
    }
}
