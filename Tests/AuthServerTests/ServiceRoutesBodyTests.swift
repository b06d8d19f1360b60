import HTTPTypes
import Hummingbird
import JWTAuth
import NIOCore
import Testing

@testable import AuthServer

/// The protected examples write their `{"user":…}` body directly; it must be the body the generic JSON writer
/// gives, whatever the subject holds.
@Suite struct ServiceRoutesBodyTests {
    @Test(arguments: ["1", "", "alice@example.com", "quote\" backslash\\ newline\n tab\t nul\u{0} del\u{7F}", "ünïcødé ✓ 🎉"])
    func theUserBodyIsTheGenericWritersObject(subject: String) async throws {
        let direct = ServiceRoutes.user(subject)
        let generic = ServiceRoutes.json(.ok, ["user": .string(subject)])
        #expect(direct.status == .ok)
        #expect(direct.headers == generic.headers)
        let written = try await body(of: direct)
        #expect(try await written == body(of: generic))
        #expect(try JSONParser().parse(written) == .object(["user": .string(subject)]))
    }

    @Test func noSubjectIsNull() async throws {
        #expect(try await body(of: ServiceRoutes.user(nil)) == Array(#"{"user":null}"#.utf8))
    }

    /// The bytes `response`'s body writes.
    private func body(of response: Response) async throws -> [UInt8] {
        let collected = Collected()
        try await response.body.write(Collector(collected: collected))
        return collected.bytes
    }

    private final class Collected: @unchecked Sendable {
        var bytes: [UInt8] = []
    }

    private struct Collector: ResponseBodyWriter {
        let collected: Collected
        mutating func write(_ buffer: ByteBuffer) async throws { collected.bytes += buffer.readableBytesView }
        consuming func finish(_ trailingHeaders: HTTPFields?) async throws {}
    }
}
