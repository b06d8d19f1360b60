import Hummingbird
import HummingbirdTesting
import JWTAuth
import JWTAuthHummingbird
import NIOCore
import Testing

/// JSON bodies are read as UTF-8 only: a `Content-Type` whose `charset` is anything but `utf-8` is 415,
/// never parsed; none, or `utf-8` in any case or quoted, is JSON.
@Suite struct ContentTypeCharsetTests {
    static let body = #"{"username":"charset","password":"long enough"}"#

    @Test(
        "A JSON body in a charset other than UTF-8 is 415 unsupported_media_type",
        .bug(id: 15, "application/json; charset=utf-16 was parsed as UTF-8"),
        arguments: [
            "application/json; charset=utf-16",
            "application/json;charset=UTF-16",
            "application/json; charset=utf-16le",
            "application/json; charset=\"iso-8859-1\"",
            "application/json; charset=latin1",
            "application/json; charset=",
            "application/json; charset=utf-8; charset=utf-16",
        ]
    )
    func otherCharsetsAreRefused(contentType: String) async throws {
        let harness = try AuthRoutesTests.Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(uri: "/auth/register", method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: Self.body))
            {
                response in
                #expect(response.status == .unsupportedMediaType)
                #expect(AuthRoutesTests.object(response)["error"]?.stringValue == "unsupported_media_type")
            }
        }
    }

    @Test(arguments: [
        "application/json",
        "application/json; charset=utf-8",
        "Application/JSON; Charset=UTF-8",
        "application/json; charset=\"utf-8\"",
        "application/json; foo=bar",
    ])
    func utf8IsAccepted(contentType: String) async throws {
        let harness = try AuthRoutesTests.Harness()
        try await harness.app.test(.router) { client in
            try await client.execute(uri: "/auth/register", method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: Self.body))
            {
                response in
                #expect(response.status == .created)
            }
        }
    }
}
