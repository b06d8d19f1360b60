import HTTPTypes
import Hummingbird
import HummingbirdTesting
import JWTAuth
import NIOCore
import Testing

/// One response of the live server.
struct HTTPResult: Sendable, CustomStringConvertible {
    let status: HTTPResponse.Status
    let headers: HTTPFields
    let body: [UInt8]

    var text: String { String(decoding: body, as: UTF8.self) }
    /// The body as a JSON object; empty when it is not one.
    var json: [String: JSONValue] { (try? JSONParser().parseObject(body)) ?? [:] }
    /// The `error` member of a JSON error body.
    var error: String? { json["error"]?.stringValue }
    /// The status and the body, less any token: a failure message must never hold one.
    var description: String {
        let members = json
        guard members["access_token"] != nil || members["refresh_token"] != nil else { return "\(status.code) \(text.prefix(300))" }
        return "\(status.code) a token response with \(members.keys.sorted())"
    }
}

/// An access and a refresh token from a login.
struct TokenPair: Sendable {
    let access: String
    let refresh: String
}

extension LiveServer {
    static let password = "correct horse battery"

    /// How long a request waits for its answer. The whole suite runs at once on two cores, servers and
    /// databases included; an answer slowed by that is not what these tests are about (the default is 15 s).
    static let requestTimeout = TestClient.Configuration(timeout: .seconds(60))

    /// Sends one request on a new connection to the server; `timeout` replaces ``requestTimeout``.
    func request(
        _ method: HTTPRequest.Method,
        _ path: String,
        headers: HTTPFields = [:],
        body: [UInt8]? = nil,
        timeout: Duration? = nil
    ) async throws -> HTTPResult {
        let configuration = timeout.map { TestClient.Configuration(timeout: $0) } ?? Self.requestTimeout
        return try await TestClient.withClient(host: "127.0.0.1", port: port, configuration: configuration) { client in
            let response = try await client.execute(.init(path, method: method, headers: headers, body: body.map { ByteBuffer(bytes: $0) }))
            return HTTPResult(
                status: response.status,
                headers: response.headers,
                body: response.body.map { Array($0.readableBytesView) } ?? []
            )
        }
    }

    func get(_ path: String, token: String? = nil) async throws -> HTTPResult {
        try await request(.get, path, headers: Self.authorization(token))
    }

    /// A request with `json` as an `application/json` body (none when nil).
    func send(
        _ method: HTTPRequest.Method,
        _ path: String,
        json: JSONValue? = nil,
        token: String? = nil,
        timeout: Duration? = nil
    ) async throws -> HTTPResult {
        var headers = Self.authorization(token)
        if json != nil { headers[.contentType] = "application/json" }
        return try await request(method, path, headers: headers, body: json.map { JSONWriter.encode($0) }, timeout: timeout)
    }

    func post(_ path: String, json: JSONValue? = nil, token: String? = nil, timeout: Duration? = nil) async throws -> HTTPResult {
        try await send(.post, path, json: json, token: token, timeout: timeout)
    }

    static func authorization(_ token: String?) -> HTTPFields {
        token.map { [.authorization: "Bearer \($0)"] } ?? [:]
    }

    static func credentials(_ username: String, _ password: String = LiveServer.password) -> JSONValue {
        ["username": .string(username), "password": .string(password)]
    }

    /// Registers `username`; returns the new user's id.
    @discardableResult
    func register(_ username: String, password: String = LiveServer.password, timeout: Duration? = nil) async throws -> String {
        let response = try await post("/auth/register", json: Self.credentials(username, password), timeout: timeout)
        try #require(response.status == .created, "register \(username): \(response)")
        return try #require(response.json["id"]?.stringValue)
    }

    /// Logs `username` in; the response must be 200.
    func login(_ username: String, password: String = LiveServer.password) async throws -> TokenPair {
        let response = try await post("/auth/login", json: Self.credentials(username, password))
        try #require(response.status == .ok, "login \(username): \(response)")
        return TokenPair(
            access: try #require(response.json["access_token"]?.stringValue),
            refresh: try #require(response.json["refresh_token"]?.stringValue)
        )
    }

    /// Refreshes with `refresh`; the response must be 200.
    func refresh(_ refresh: String) async throws -> TokenPair {
        let response = try await post("/auth/refresh", token: refresh)
        try #require(response.status == .ok, "refresh: \(response)")
        return TokenPair(
            access: try #require(response.json["access_token"]?.stringValue),
            refresh: try #require(response.json["refresh_token"]?.stringValue)
        )
    }
}

/// The claims of `token`, read without verifying it.
func claims(of token: String) throws -> JWTClaims {
    try UnverifiedToken(token).claims()
}

/// The header of `token`, read without verifying it.
func header(of token: String) throws -> JWSHeader {
    try UnverifiedToken(token).header
}
