import AuthServer
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import Testing

/// The service's own routes, built in-process, with cookies as the token location: every state-changing
/// route refuses a request without the double-submit CSRF value, and leaves the session as it was; and
/// revocation, checked on every kind of route by its error code.
@Suite struct ServiceCSRFAndRevocationTests {
    typealias Service = InProcessServiceTests

    /// Runs `body` with the service of a new data directory, built from `settings`.
    static func withService(
        _ settings: [String: String] = [:],
        _ body: @escaping @Sendable (_ client: any TestClientProtocol, _ configuration: AuthServerConfiguration) async throws -> Void
    ) async throws {
        let directory = Service.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let configuration = try AuthServerConfiguration(
            settings: ["DATA_DIR": directory, "BCRYPT_COST": "4", "LOGIN_ATTEMPTS": "0", "REGISTER_ATTEMPTS": "0"].merging(settings) { $1 }
        )
        try await AuthServer.buildApplication(configuration).test(.router) { client in
            try await body(client, configuration)
        }
    }

    static func credentials(_ username: String, _ password: String = "correct horse") -> ByteBuffer {
        ByteBuffer(string: #"{"username":"\#(username)","password":"\#(password)"}"#)
    }

    /// The cookies a response sets, by name (an emptied cookie as the empty string).
    static func cookies(_ response: TestResponse) -> [String: String] {
        var cookies: [String: String] = [:]
        for line in response.headers[values: .setCookie] {
            let pair = line.prefix { $0 != ";" }
            guard let equals = pair.firstIndex(of: "=") else { continue }
            cookies[String(pair[..<equals])] = String(pair[pair.index(after: equals)...])
        }
        return cookies
    }

    /// A `Cookie` header carrying `cookies`.
    static func cookieHeader(_ cookies: [String: String], csrf: String? = nil, json: Bool = false) -> HTTPFields {
        var headers: HTTPFields = [.cookie: cookies.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: "; ")]
        if let csrf { headers[HTTPField.Name("X-CSRF-TOKEN")!] = csrf }
        if json { headers[.contentType] = "application/json" }
        return headers
    }

    /// Registers and logs `username` in; returns the cookies login set.
    static func cookieLogin(_ client: some TestClientProtocol, _ username: String, register: Bool = true) async throws -> [String: String] {
        if register {
            let registered = try await client.execute(uri: "/auth/register", method: .post, headers: Service.json, body: credentials(username))
            try #require(registered.status == .created)
        }
        let login = try await client.execute(uri: "/auth/login", method: .post, headers: Service.json, body: credentials(username))
        try #require(login.status == .ok)
        let cookies = Self.cookies(login)
        for name in ["access_token_cookie", "refresh_token_cookie", "csrf_access_token", "csrf_refresh_token"] {
            try #require(cookies[name]?.isEmpty == false, "login set no \(name)")
        }
        return cookies
    }

    static func expectError(
        _ response: TestResponse,
        _ status: HTTPResponse.Status,
        _ code: String,
        _ comment: Comment? = nil,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response.status == status, comment, sourceLocation: sourceLocation)
        #expect(Service.object(response)["error"] == .string(code), comment, sourceLocation: sourceLocation)
    }

    /// The four cookie-carrying routes that change state, without the CSRF header and with a wrong one:
    /// 401 `csrf_failed` each time, and afterwards the session works, its refresh token is unspent and the
    /// password unchanged.
    @Test(.bug(id: 15, "the real cookie-carrying auth routes were never sent without or with a wrong CSRF value"))
    func cookieRoutesRefuseAMissingOrWrongCSRFValueAndLeaveTheSession() async throws {
        try await Self.withService(["TOKEN_LOCATION": "cookies"]) { client, _ in
            let cookies = try await Self.cookieLogin(client, "carol")
            let access = ["access_token_cookie": cookies["access_token_cookie"]!]
            let refresh = ["refresh_token_cookie": cookies["refresh_token_cookie"]!]
            let newPassword = ByteBuffer(string: #"{"new_password":"a new password 42"}"#)
            let routes: [(uri: String, method: HTTPRequest.Method, cookies: [String: String], body: ByteBuffer?)] = [
                ("/auth/logout", .post, access, nil),
                ("/auth/logout-all", .post, access, nil),
                ("/auth/refresh", .post, refresh, nil),
                ("/auth/password", .put, access, newPassword),
            ]
            for route in routes {
                // The readable CSRF cookies are sent too, as a browser would: only the header counts.
                let sent = route.cookies.merging([
                    "csrf_access_token": cookies["csrf_access_token"]!, "csrf_refresh_token": cookies["csrf_refresh_token"]!,
                ]) { $1 }
                for csrf in [nil, "wrong-\(UUID().uuidString)"] {
                    let response = try await client.execute(
                        uri: route.uri,
                        method: route.method,
                        headers: Self.cookieHeader(sent, csrf: csrf, json: route.body != nil),
                        body: route.body
                    )
                    Self.expectError(response, .unauthorized, "csrf_failed", "\(route.method) \(route.uri), X-CSRF-TOKEN \(csrf ?? "missing")")
                    #expect(Self.cookies(response).isEmpty, "\(route.uri): a refused request changed cookies")
                }
            }
            // The session is intact: the access cookie works, the refresh cookie was never spent, the
            // password is the old one.
            let me = try await client.execute(uri: "/auth/me", method: .get, headers: Self.cookieHeader(access))
            #expect(me.status == .ok)
            #expect(Service.object(me)["username"] == "carol")
            let refreshed = try await client.execute(
                uri: "/auth/refresh",
                method: .post,
                headers: Self.cookieHeader(refresh, csrf: cookies["csrf_refresh_token"])
            )
            #expect(refreshed.status == .ok)
            let oldPassword = try await client.execute(uri: "/auth/login", method: .post, headers: Service.json, body: Self.credentials("carol"))
            #expect(oldPassword.status == .ok)

            // With the right value each route does its work.
            let rotated = Self.cookies(refreshed)
            let rotatedAccess = ["access_token_cookie": try #require(rotated["access_token_cookie"])]
            let logout = try await client.execute(
                uri: "/auth/logout",
                method: .post,
                headers: Self.cookieHeader(rotatedAccess, csrf: rotated["csrf_access_token"])
            )
            #expect(logout.status == .noContent)
            #expect(Self.cookies(logout)["access_token_cookie"] == "", "logout clears the cookies")
            let after = try await client.execute(uri: "/auth/me", method: .get, headers: Self.cookieHeader(rotatedAccess))
            Self.expectError(after, .unauthorized, "token_revoked")
            let original = try await client.execute(uri: "/auth/me", method: .get, headers: Self.cookieHeader(access))
            Self.expectError(original, .unauthorized, "token_revoked", "logout ends the session, every token of it")
        }
    }

    /// The cookie-carrying password change and logout-all with the right CSRF value: they work, and end the
    /// user's other sessions.
    @Test func cookiePasswordChangeAndLogoutAllWorkWithTheRightCSRFValue() async throws {
        try await Self.withService(["TOKEN_LOCATION": "cookies"]) { client, _ in
            let first = try await Self.cookieLogin(client, "dave")
            let second = try await Self.cookieLogin(client, "dave", register: false)
            let changed = try await client.execute(
                uri: "/auth/password",
                method: .put,
                headers: Self.cookieHeader(["access_token_cookie": first["access_token_cookie"]!], csrf: first["csrf_access_token"], json: true),
                body: ByteBuffer(string: #"{"new_password":"a new password 42"}"#)
            )
            #expect(changed.status == .noContent)
            let other = try await client.execute(
                uri: "/auth/me",
                method: .get,
                headers: Self.cookieHeader(["access_token_cookie": second["access_token_cookie"]!])
            )
            Self.expectError(other, .unauthorized, "token_revoked")
            let third = try await client.execute(
                uri: "/auth/login",
                method: .post,
                headers: Service.json,
                body: Self.credentials("dave", "a new password 42")
            )
            #expect(third.status == .ok)
            let cookies = Self.cookies(third)
            let logoutAll = try await client.execute(
                uri: "/auth/logout-all",
                method: .post,
                headers: Self.cookieHeader(["access_token_cookie": cookies["access_token_cookie"]!], csrf: cookies["csrf_access_token"])
            )
            #expect(logoutAll.status == .noContent)
            let after = try await client.execute(
                uri: "/auth/refresh",
                method: .post,
                headers: Self.cookieHeader(["refresh_token_cookie": cookies["refresh_token_cookie"]!], csrf: cookies["csrf_refresh_token"])
            )
            Self.expectError(after, .unauthorized, "token_revoked")
        }
    }

    /// After logout, the access token is refused as revoked on every kind of route: required, optional,
    /// role-checked, fresh-required, and the user's own.
    @Test(.bug(id: 15, "revocation was checked on /auth/me by status only, and not on /api/admin, /api/optional or PUT /auth/password"))
    func aLoggedOutTokenIsRevokedOnEveryRoute() async throws {
        try await Self.withService { client, configuration in
            // An administrator, made as `users add --role admin` makes one, with the password of a registered user.
            let registered = try await client.execute(uri: "/auth/register", method: .post, headers: Service.json, body: Self.credentials("ann"))
            #expect(registered.status == .created)
            let (users, close) = try await AuthServer.openUserStore(configuration)
            do {
                let ann = try #require(try await users.user(named: "ann"))
                _ = try await users.createUser(username: "root", passwordHash: ann.passwordHash, roles: ["admin"])
                try await close()
            } catch {
                try? await close()
                throw error
            }
            let login = try await client.execute(uri: "/auth/login", method: .post, headers: Service.json, body: Self.credentials("root"))
            let access = try #require(Service.object(login)["access_token"]?.stringValue)
            let bearer: HTTPFields = [.authorization: "Bearer \(access)"]
            #expect(try await client.execute(uri: "/api/admin", method: .get, headers: bearer).status == .ok)
            #expect(try await client.execute(uri: "/api/optional", method: .get, headers: bearer).status == .ok)
            #expect(try await client.execute(uri: "/auth/logout", method: .post, headers: bearer).status == .noContent)

            var passwordHeaders = bearer
            passwordHeaders[.contentType] = "application/json"
            let requests: [(uri: String, method: HTTPRequest.Method, headers: HTTPFields, body: ByteBuffer?)] = [
                ("/api/protected", .get, bearer, nil),
                ("/api/admin", .get, bearer, nil),
                ("/api/optional", .get, bearer, nil),
                ("/auth/me", .get, bearer, nil),
                ("/auth/password", .put, passwordHeaders, ByteBuffer(string: #"{"new_password":"a new password 42"}"#)),
            ]
            for request in requests {
                let response = try await client.execute(uri: request.uri, method: request.method, headers: request.headers, body: request.body)
                Self.expectError(response, .unauthorized, "token_revoked", "\(request.method) \(request.uri)")
            }
            // The refused password change changed nothing.
            let again = try await client.execute(uri: "/auth/login", method: .post, headers: Service.json, body: Self.credentials("root"))
            #expect(again.status == .ok)
        }
    }
}
