import HTTPTypes
import Testing

/// JSON bodies are read as UTF-8 only: a `charset` other than `utf-8` is 415 on the live server.
@Suite struct CharsetTests {
    @Test(
        "A JSON body declared in a charset other than UTF-8 is 415 unsupported_media_type",
        .bug(id: 15, "application/json; charset=utf-16 was parsed as UTF-8")
    )
    func otherCharsetsAreRefused() async throws {
        try await LiveServer.with { server in
            let json = #"{"username":"charset-user","password":"correct horse battery"}"#
            for charset in ["utf-16", "UTF-16LE", "\"iso-8859-1\""] {
                var utf16: [UInt8] = []
                for unit in json.utf16 { utf16 += [UInt8(unit & 0xFF), UInt8(unit >> 8)] }
                let response = try await server.request(
                    .post,
                    "/auth/register",
                    headers: [.contentType: "application/json; charset=\(charset)"],
                    body: charset.hasPrefix("\"") ? Array(json.utf8) : utf16
                )
                #expect(response.status == .unsupportedMediaType, "\(charset): \(response)")
                #expect(response.error == "unsupported_media_type")
            }
            let response = try await server.request(
                .post,
                "/auth/register",
                headers: [.contentType: "application/json; Charset=\"UTF-8\""],
                body: Array(json.utf8)
            )
            #expect(response.status == .created, "\(response)")
        }
    }
}
