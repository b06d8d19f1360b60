import FoundationEssentials
import JWTAuth
import JWTAuthService
import Testing

/// The request and response bodies: their JSON names, what a fresh login leaves out, and the `bad_request`
/// messages a malformed body gets.
@Suite struct MessagesTests {
    static func members(_ json: String) throws -> [String: JSONValue] {
        try JSONParser().parseObject(Array(json.utf8))
    }

    static func text(_ body: some Encodable & Sendable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(body), as: UTF8.self)
    }

    @Test func requestsRoundTripUnderTheirWireNames() throws {
        let register = RegisterRequest(username: "ada", password: "correct horse")
        let login = LoginRequest(username: "ada", password: "correct horse")
        let change = ChangePasswordRequest(newPassword: "battery staple")
        let logout = LogoutRequest(refreshToken: "a.b.c")
        #expect(try Self.text(register) == #"{"password":"correct horse","username":"ada"}"#)
        #expect(try Self.text(login) == #"{"password":"correct horse","username":"ada"}"#)
        #expect(try Self.text(change) == #"{"new_password":"battery staple"}"#)
        #expect(try Self.text(logout) == #"{"refresh_token":"a.b.c"}"#)
        #expect(try Self.text(LogoutRequest()) == "{}")

        let decoder = JSONDecoder()
        #expect(try decoder.decode(RegisterRequest.self, from: try JSONEncoder().encode(register)) == register)
        #expect(try decoder.decode(LoginRequest.self, from: try JSONEncoder().encode(login)) == login)
        #expect(try decoder.decode(ChangePasswordRequest.self, from: try JSONEncoder().encode(change)) == change)
        #expect(try decoder.decode(LogoutRequest.self, from: try JSONEncoder().encode(logout)) == logout)
    }

    @Test func responsesRoundTripUnderTheirWireNames() throws {
        let tokens = TokenResponse(accessToken: "a.b.c", refreshToken: "d.e.f", expiresIn: 900)
        let user = UserResponse(id: "1", username: "ada/lovelace", roles: ["admin"])
        #expect(
            try String(decoding: tokens.jsonBytes(), as: UTF8.self)
                == #"{"access_token":"a.b.c","expires_in":900,"refresh_token":"d.e.f","token_type":"Bearer"}"#
        )
        #expect(try String(decoding: user.jsonBytes(), as: UTF8.self) == #"{"id":"1","roles":["admin"],"username":"ada/lovelace"}"#)
        #expect(try JSONDecoder().decode(TokenResponse.self, from: Data(tokens.jsonBytes())) == tokens)
        #expect(try JSONDecoder().decode(UserResponse.self, from: Data(user.jsonBytes())) == user)
    }

    @Test func aFreshLoginAnswerHasNoRefreshTokenMember() throws {
        let fresh = TokenResponse(accessToken: "a.b.c", expiresIn: 60)
        #expect(try String(decoding: fresh.jsonBytes(), as: UTF8.self) == #"{"access_token":"a.b.c","expires_in":60,"token_type":"Bearer"}"#)
        #expect(try JSONDecoder().decode(TokenResponse.self, from: Data(fresh.jsonBytes())).refreshToken == nil)
    }

    @Test func theServiceReadsTheMembersItNeedsAndIgnoresOthers() throws {
        let credentials = try Self.members(#"{"username":"ada","password":"correct horse","remember":true}"#)
        #expect(try LoginRequest(members: credentials) == LoginRequest(username: "ada", password: "correct horse"))
        #expect(try ChangePasswordRequest(members: Self.members(#"{"new_password":"x"}"#)) == ChangePasswordRequest(newPassword: "x"))
        #expect(try LogoutRequest(members: Self.members(#"{"refresh_token":"a.b.c"}"#)) == LogoutRequest(refreshToken: "a.b.c"))
        #expect(try LogoutRequest(members: Self.members(#"{"refresh_token":null}"#)) == LogoutRequest())
        #expect(try LogoutRequest(members: Self.members("{}")) == LogoutRequest())
    }

    /// The messages are part of the HTTP API: a front answers 400 with them as they are.
    @Test(arguments: [
        (#"{"password":"x"}"#, "Missing username"),
        (#"{"username":"ada"}"#, "Missing password"),
        ("{}", "Missing username"),
        (#"{"username":5,"password":"x"}"#, "username must be a string"),
        (#"{"username":null,"password":"x"}"#, "username must be a string"),
        (#"{"username":"ada","password":["x"]}"#, "password must be a string"),
    ])
    func malformedCredentialsAreRefusedNamingTheMember(json: String, message: String) throws {
        let members = try Self.members(json)
        let error = #expect(throws: JWTAuthError.self) { try LoginRequest(members: members) }
        #expect(error?.code == .badRequest)
        #expect(error?.message == message)
    }

    @Test(arguments: [
        (#"{"password":"x"}"#, "Missing new_password"),
        (#"{"new_password":["x"]}"#, "new_password must be a string"),
        (#"{"new_password":null}"#, "new_password must be a string"),
    ])
    func malformedPasswordChangesAreRefusedNamingTheMember(json: String, message: String) throws {
        let members = try Self.members(json)
        let error = #expect(throws: JWTAuthError.self) { try ChangePasswordRequest(members: members) }
        #expect(error?.message == message)
    }

    @Test func aRefreshTokenThatIsNoStringIsRefused() throws {
        let members = try Self.members(#"{"refresh_token":5}"#)
        let error = #expect(throws: JWTAuthError.self) { try LogoutRequest(members: members) }
        #expect(error?.message == "refresh_token must be a string")
    }

    @Test func descriptionsNeverShowPasswordsOrTokens() {
        let shown = [
            "\(RegisterRequest(username: "ada", password: "secret-1"))",
            "\(LoginRequest(username: "ada", password: "secret-1"))",
            "\(ChangePasswordRequest(newPassword: "secret-1"))",
            "\(LogoutRequest(refreshToken: "secret-1"))",
            "\(TokenResponse(accessToken: "secret-1", refreshToken: "secret-1", expiresIn: 900))",
            String(reflecting: LoginRequest(username: "ada", password: "secret-1")),
        ]
        for text in shown { #expect(!text.contains("secret-1"), "\(text)") }
    }
}
