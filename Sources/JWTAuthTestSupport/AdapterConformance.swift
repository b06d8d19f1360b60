package import JWTAuth
package import JWTAuthService
package import JWTAuthTesting

/// What every HTTP adapter answers, as data: requests to an application protecting `/required`, `/optional`,
/// `/fresh` and `/refresh` (GET and POST, answering `{"user": <sub or null>}`) and `/required/admin` (GET, role
/// `admin`), each with the status, exact body and `WWW-Authenticate` it must get. The Hummingbird and the Vapor
/// adapter run the same cases, each through its own test client.
package struct AdapterConformance: Sendable {
    /// One request and the answer it must get.
    package struct Case: Sendable, CustomStringConvertible {
        package var description: String
        package var method: String
        package var path: String
        package var headers: [(name: String, value: String)]
        package var body: String?
        package var status: Int
        package var responseBody: String
        /// The `WWW-Authenticate` value; nil: none.
        package var challenge: String?
    }

    /// Signs the cases' tokens (with a `csrf` claim); the application under test verifies with its keys and clock.
    package let factory: TokenFactory
    /// The revocation store the application under test consults.
    package let store: MemoryRevocationStore

    package init() throws {
        factory = try TokenFactory(configuration: TokenConfiguration(includesCSRFClaim: true))
        store = MemoryRevocationStore(clock: factory.clock.clock)
    }

    static let realm = #"Bearer realm="jwt-auth""#

    /// The cases for an application whose only token location is `location`; revokes what they need revoked.
    package func cases(at location: TokenLocation) async throws -> [Case] {
        var cases: [Case] = []
        for route in ["required", "optional", "fresh", "refresh"] {
            let refresh = route == "refresh"
            let good =
                refresh
                ? try factory.issuer.refreshToken(for: "42", csrf: "c5rf") : try factory.issuer.accessToken(for: "42", fresh: .fresh, csrf: "c5rf")
            let revoked =
                refresh
                ? try factory.issuer.refreshToken(for: "42", csrf: "c5rf") : try factory.issuer.accessToken(for: "42", fresh: .fresh, csrf: "c5rf")
            await store.revoke(tokenID: revoked.claims.id ?? "", until: revoked.expiresAt)
            let wrongType =
                refresh
                ? try factory.issuer.accessToken(for: "42", fresh: .fresh, csrf: "c5rf") : try factory.issuer.refreshToken(for: "42", csrf: "c5rf")
            let stranger = try TokenFactory(configuration: TokenConfiguration(includesCSRFClaim: true))
            let forged = refresh ? try stranger.token(.refresh) : try stranger.issuer.accessToken(for: "42", fresh: .fresh).token
            let now = Int64(factory.clock.now)
            var expiredClaims: [String: JSONValue] = [
                "sub": "42", "jti": .string("expired-\(route)"), "type": .string(refresh ? "refresh" : "access"), "csrf": "c5rf",
                "iat": .int(now - 7200), "exp": .int(now - 3600),
            ]
            if !refresh { expiredClaims["fresh"] = true }
            let expired = try factory.token(claims: expiredClaims)

            func request(_ what: String, _ token: String?, method: String = "GET", csrf: String? = nil) -> Case {
                var headers: [(name: String, value: String)] = []
                var path = "/\(route)"
                var body: String? = nil
                if let token {
                    switch location {
                    case .headers: headers.append(("Authorization", "Bearer \(token)"))
                    case .cookies: headers.append(("Cookie", "\(refresh ? "refresh_token_cookie" : "access_token_cookie")=\(token)"))
                    case .query: path += "?jwt=\(token)"
                    default:
                        headers.append(("Content-Type", "application/json"))
                        body = #"{"\#(refresh ? "refresh_token" : "access_token")":"\#(token)"}"#
                    }
                }
                if let csrf { headers.append(("X-CSRF-TOKEN", csrf)) }
                return Case(
                    description: "\(method) \(route) at \(location): \(what)",
                    method: method,
                    path: path,
                    headers: headers,
                    body: body,
                    status: 200,
                    responseBody: #"{"user":"42"}"#,
                    challenge: nil
                )
            }
            func refused(_ base: Case, _ status: Int, _ code: String, _ message: String, challenge: String?) -> Case {
                var refusal = base
                refusal.status = status
                refusal.responseBody = String(
                    decoding: JSONWriter.encode(.object(["error": .string(code), "msg": .string(message)]), sortedKeys: true),
                    as: UTF8.self
                )
                refusal.challenge = challenge
                return refusal
            }
            func invalid(_ message: String) -> String { Self.realm + #", error="invalid_token", error_description=""# + message + "\"" }

            cases.append(request("good token", good.token))
            cases.append(request("good token, POST", good.token, method: "POST", csrf: "c5rf"))
            var missing = request("no token", nil)
            if route == "optional" {
                missing.responseBody = #"{"user":null}"#
            } else {
                missing = refused(missing, 401, "missing_token", Self.missingMessage(location, refresh: refresh), challenge: Self.realm)
            }
            cases.append(missing)
            cases.append(
                refused(
                    request("forged", forged),
                    401,
                    "invalid_token",
                    "Signature verification failed",
                    challenge: invalid("Signature verification failed")
                )
            )
            let typeMessage = refresh ? "Only refresh tokens are allowed" : "Only non-refresh tokens are allowed"
            cases.append(refused(request("wrong type", wrongType.token), 401, "wrong_token_type", typeMessage, challenge: invalid(typeMessage)))
            cases.append(
                refused(
                    request("revoked", revoked.token),
                    401,
                    "token_revoked",
                    "Token has been revoked",
                    challenge: invalid("Token has been revoked")
                )
            )
            cases.append(refused(request("expired", expired), 401, "token_expired", "Token has expired", challenge: invalid("Token has expired")))
            if route == "fresh" {
                let stale = try factory.issuer.accessToken(for: "42", fresh: .notFresh, csrf: "c5rf")
                cases.append(
                    refused(
                        request("not fresh", stale.token),
                        401,
                        "fresh_token_required",
                        "Fresh token required",
                        challenge: invalid("Fresh token required")
                    )
                )
            }
            if location == .cookies {
                cases.append(
                    refused(
                        request("POST without CSRF", good.token, method: "POST"),
                        401,
                        "csrf_failed",
                        "Missing CSRF token",
                        challenge: invalid("Missing CSRF token")
                    )
                )
                let mismatch = "CSRF double submit tokens do not match"
                cases.append(
                    refused(
                        request("POST with a wrong CSRF", good.token, method: "POST", csrf: "nope"),
                        401,
                        "csrf_failed",
                        mismatch,
                        challenge: invalid(mismatch)
                    )
                )
            }
            if location == .headers {
                var twice = request("two bearer tokens", nil)
                twice.headers.append(("Authorization", "Bearer \(good.token) \(good.token)"))
                let message = "Bad Authorization header. Expected 'Authorization: Bearer <JWT>'"
                cases.append(refused(twice, 401, "invalid_header", message, challenge: Self.realm))
            }
            if route == "required" {
                var admin = request("without role admin", good.token)
                admin.path = "/required/admin" + admin.path.dropFirst("/required".count)
                let scope = Self.realm + #", error="insufficient_scope", error_description="Missing required role: admin""#
                cases.append(refused(admin, 403, "insufficient_scope", "Missing required role: admin", challenge: scope))
            }
        }
        return cases
    }

    static func missingMessage(_ location: TokenLocation, refresh: Bool) -> String {
        switch location {
        case .headers: "Missing Authorization Header"
        case .cookies: refresh ? #"Missing cookie "refresh_token_cookie""# : #"Missing cookie "access_token_cookie""#
        case .query: #"Missing "jwt" query parameter"#
        default: "Invalid content-type. Must be application/json"
        }
    }
}
