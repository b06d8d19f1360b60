#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A server of the service could not listen on `address` (`bind` or `listen` failed with `errnoCode`), for a
/// start-up error that names the address at fault.
public struct ListenError: Error, CustomStringConvertible {
    public let address: ListenAddress
    public let errnoCode: Int32

    public init(address: ListenAddress, errnoCode: Int32) {
        self.address = address
        self.errnoCode = errnoCode
    }

    public var description: String { "cannot listen on \(address): \(String(cString: strerror(errnoCode)).lowercased())" }
}
